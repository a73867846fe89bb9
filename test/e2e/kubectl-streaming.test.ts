// kubectl's streaming commands against `rudder up --nodes 2` (real containers): `logs` (tail,
// timestamps, limit-bytes, -f, --previous after a restart), `exec` (-it too) and `attach` with kubectl 1.27
// (SPDY/3.1) and 1.33 (WebSocket v5.channel.k8s.io), `port-forward` reaching an HTTP server in the pod from the
// host, `cp` copying a file in, nodes/proxy reaching the kubelet's /pods and /healthz; and the
// kubelet's own HTTPS API refusing a caller without a certificate or token of the cluster, and one
// whose RBAC lacks nodes/proxy.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import t from 'tap';
import { NODE_IMAGE } from '../../lib/images/local-images.js';
import { commandInstalled } from '../../lib/process/installed.js';
import { freePort } from '../../lib/process/ports.js';
import { kubectl, kubectlStream } from '../helpers/kubectl.js';
import { localNodesSkip } from '../helpers/local-nodes.js';
import { kubectlBinary } from '../helpers/paths.js';
import { rudder } from '../helpers/rudder-cli.js';
import { until } from '../helpers/until.js';

// Prints a numbered line every 200 ms and serves HTTP on 8080 with the pod's host name.
const SERVER = "let i = 0; setInterval(() => console.log('tick ' + i++), 200); require('http').createServer((q, s) => s.end('hello from ' + require('os').hostname())).listen(8080)";
// Prints a line no other run prints, then fails.
const CRASHER = 'echo run $(cat /proc/sys/kernel/random/uuid); exit 1';
const RUN_LINE = /^run [0-9a-f-]{36}\n$/;

/** An HTTPS GET without a client certificate, with a bearer token if given: the status code the server answers. */
function kubeletGet(url: string, token?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request(url, { rejectUnauthorized: false, headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    })
      .on('error', reject)
      .end();
  });
}

/** The subject CN and the subject alternative names of the certificate a TLS server presents. */
function servingCertificate(host: string, port: number): Promise<{ cn: string; names: string }> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host, port, rejectUnauthorized: false }, () => {
      const cert = socket.getPeerCertificate();
      socket.destroy();
      resolve({ cn: String(cert.subject?.CN ?? ''), names: cert.subjectaltname ?? '' });
    }).on('error', reject);
  });
}

async function httpGet(url: string): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return response.text();
}

t.test('kubectl logs, exec, port-forward and cp reach real containers through the apiserver and the kubelet', { skip: localNodesSkip(), timeout: 240_000 }, async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'rudder-streaming-'));
  t.teardown(() => {
    rudder(['down', '--data-dir', dataDir]);
    rmSync(dataDir, { recursive: true, force: true });
  });
  const kubeletPort = await freePort();
  const up = rudder([
    'up', '--detach', '--data-dir', dataDir, '--port', String(await freePort()),
    '--scheduler-port', String(await freePort()), '--controller-manager-port', String(await freePort()), '--kubelet-port', String(kubeletPort),
    '--nodes', '2', '--node-subnet', `10.213.${randomInt(1, 250)}.0/24`,
  ]);
  t.equal(up.code, 0, up.stderr);
  const kubeconfig = join(dataDir, 'kubeconfig');
  const k27 = (...args: string[]) => kubectl('1.27', kubeconfig, args);
  const k33 = (...args: string[]) => kubectl('1.33', kubeconfig, args);

  const pods = [
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, spec: { nodeName: 'rudder-node-2', terminationGracePeriodSeconds: 1, containers: [{ name: 'web', image: NODE_IMAGE, command: ['node', '-e', SERVER] }] } },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'crasher', namespace: 'default' },
      spec: {
        nodeName: 'rudder-node-1',
        terminationGracePeriodSeconds: 1,
        containers: [{ name: 'crasher', image: NODE_IMAGE, command: ['sh', '-c', CRASHER] }],
      },
    },
  ];
  for (const pod of pods) {
    const made = await kubectl('1.33', kubeconfig, ['apply', '-f', '-'], JSON.stringify(pod));
    t.equal(made.code, 0, made.stderr);
  }
  const ready = await k33('wait', '--for=condition=Ready', 'pod/web', '--timeout=90s');
  t.equal(ready.code, 0, ready.stderr);
  t.ok(await until(async () => (await k33('logs', 'web')).stdout.includes('tick 3'), 20_000, 250), 'the pod has written a few lines');

  // logs: the output, the last lines, timestamps, a byte limit; 1.27 and 1.33 alike
  for (const kube of [k27, k33]) {
    const all = await kube('logs', 'web');
    t.equal(all.code, 0, all.stderr);
    t.match(all.stdout, /^tick 0\ntick 1\ntick 2\n/, 'logs shows the container\'s output from the start');
  }
  const tail = (await k33('logs', 'web', '--tail=2')).stdout;
  t.equal(tail.trim().split('\n').length, 2, `--tail=2 shows two lines: ${JSON.stringify(tail)}`);
  t.match((await k33('logs', 'web', '--tail=1', '--timestamps')).stdout, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z tick \d+\n$/, '--timestamps prefixes the runtime\'s time');
  t.equal((await k33('logs', 'web', '--limit-bytes=6')).stdout, 'tick 0', '--limit-bytes cuts the output');
  t.equal((await k33('logs', 'web', '-c', 'nope')).code !== 0, true, 'an unknown container is refused');

  // logs -f: lines written after the command started keep arriving
  const before = Number(/tick (\d+)\n$/.exec((await k33('logs', 'web', '--tail=1')).stdout)?.[1] ?? 0);
  const follow = kubectlStream('1.33', kubeconfig, ['logs', '-f', 'web', '--tail=1']);
  t.ok(await follow.waitFor(`tick ${before + 10}`, 20_000), `logs -f streams new lines (from tick ${before} to tick ${before + 10})`);
  follow.stop();

  // exec: kubectl 1.27 over SPDY/3.1; the command's output and its exit code
  const spdy = await k27('exec', 'web', '--', 'sh', '-c', 'echo out-$(hostname); echo err >&2');
  t.equal(spdy.code, 0, 'kubectl 1.27 exec succeeds');
  t.equal(spdy.stdout, 'out-web\n', 'exec over SPDY runs the command in the container');
  t.match(spdy.stderr, /err/, 'and its stderr comes back apart');
  t.equal((await k27('exec', 'web', '--', 'sh', '-c', 'exit 3')).code, 3, 'the command\'s exit code is kubectl\'s');

  // exec: kubectl 1.33 over WebSocket (no fallback to SPDY)
  const ws = await k33('exec', '-v=6', 'web', '--', 'sh', '-c', 'echo ws-$(hostname)');
  t.equal(ws.code, 0, 'kubectl 1.33 exec succeeds');
  t.equal(ws.stdout, 'ws-web\n', 'exec with kubectl 1.33 runs the command');
  t.notMatch(ws.stderr, /fallback/i, 'kubectl 1.33 did not fall back from WebSocket to SPDY');
  t.match(ws.stderr, /subprotocol is v5\.channel\.k8s\.io/, 'over WebSocket v5.channel.k8s.io');
  t.equal((await k33('exec', 'web', '--', 'sh', '-c', 'exit 4')).code, 4, 'the exit code comes back over WebSocket too');

  // exec -it: a terminal of kubectl's size (the resize stream / channel 4), under script(1) for a TTY
  const noScript = commandInstalled('script', '--version') ? undefined : 'exec -it needs script(1) (util-linux) to give kubectl a terminal';
  await t.test('exec -it', { skip: noScript }, async (t) => {
    for (const version of ['1.27', '1.33']) {
      // The size reaches the terminal just after the shell starts, as in Kubernetes: read it a moment later.
      const command = `stty cols 123 rows 45; ${kubectlBinary(version)} --kubeconfig ${kubeconfig} exec -it web -- sh -c 'tty; sleep 1; stty size'`;
      const tty = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] });
      // script(1) shows a NUL byte as ^@; where it lands varies
      const screen = tty.stdout.replace(/\^@|\0/g, '');
      t.match(screen, /\/dev\/pts\/\d+\r?\n45 123\r?\n/, `kubectl ${version} exec -it gets a terminal of its size: ${JSON.stringify(screen.slice(-120))}`);
    }
  });

  // attach: the running container's output, over SPDY (1.27) and WebSocket (1.33)
  for (const version of ['1.27', '1.33']) {
    const attach = kubectlStream(version, kubeconfig, ['attach', 'web']);
    t.ok(await attach.waitFor('tick ', 20_000), `kubectl ${version} attach shows the container's output: ${JSON.stringify(attach.output().slice(-200))}`);
    attach.stop();
  }

  // cp: a file copied in (tar through exec's stdin, which must reach EOF), then read back
  const local = join(dataDir, 'note.txt');
  writeFileSync(local, 'copied in by kubectl cp\n');
  for (const [version, kube] of [['1.27', k27], ['1.33', k33]] as const) {
    const cp = await kube('cp', local, `default/web:/tmp/note-${version}.txt`);
    t.equal(cp.code, 0, `kubectl ${version} cp: ${cp.stderr}`);
    t.equal((await k27('exec', 'web', '--', 'cat', `/tmp/note-${version}.txt`)).stdout, 'copied in by kubectl cp\n', `kubectl ${version} cp copied the file in`);
  }

  // port-forward: the pod's HTTP server from the host, through kubectl 1.27 and 1.33
  for (const version of ['1.27', '1.33']) {
    const port = await freePort();
    const forward = kubectlStream(version, kubeconfig, ['port-forward', '-v=6', 'pod/web', `${port}:8080`]);
    t.ok(await forward.waitFor('Forwarding from', 20_000), `kubectl ${version} port-forward listens`);
    let body = '';
    await until(async () => {
      body = await httpGet(`http://127.0.0.1:${port}/`).catch(() => '');
      return body !== '';
    }, 15_000, 250);
    t.equal(body, 'hello from web', `kubectl ${version} port-forward reaches the pod's server`);
    t.equal(await httpGet(`http://127.0.0.1:${port}/`).catch(String), 'hello from web', 'and again on a new connection');
    if (version === '1.33') t.match(forward.output(), /negotiated protocol: portforward\.k8s\.io/, 'kubectl 1.33 tunnels SPDY over WebSocket, without falling back');
    t.notMatch(forward.output(), /fallback/i, 'no fallback');
    forward.stop();
  }

  // nodes/proxy: the kubelet's /pods and /healthz through the apiserver
  const nodePods = JSON.parse((await k33('get', '--raw', '/api/v1/nodes/rudder-node-2/proxy/pods')).stdout || '{}') as { items?: { metadata: { name: string } }[] };
  t.same((nodePods.items ?? []).map((p) => p.metadata.name), ['web'], 'nodes/proxy/pods lists the node\'s pods');
  t.equal((await k33('get', '--raw', '/api/v1/nodes/rudder-node-2/proxy/healthz')).stdout, 'ok', 'nodes/proxy/healthz');
  t.match((await k33('get', '--raw', '/api/v1/nodes/rudder-node-2/proxy/containerLogs/default/web/web?tailLines=1')).stdout, /^tick \d+\n$/, 'nodes/proxy passes the query on (the kubelet\'s containerLogs, tailLines=1)');

  // The apiserver counts them as kube-apiserver does
  const metrics = (await k33('get', '--raw', '/metrics')).stdout;
  t.match(metrics, /apiserver_request_total\{verb="CONNECT",group="",version="v1",resource="pods",subresource="exec",scope="resource",code="101"[^}]*\} [1-9]/, 'exec counted as CONNECT with 101');
  t.match(metrics, /apiserver_request_total\{verb="GET",group="",version="v1",resource="pods",subresource="log",scope="resource",code="200"[^}]*\} [1-9]/, 'logs counted as GET');

  // The kubelet's API answers only callers the cluster knows
  const address = (await k33('get', 'node', 'rudder-node-2', '-o', 'jsonpath={.status.addresses[?(@.type=="InternalIP")].address}')).stdout;
  t.equal(await kubeletGet(`https://${address}:${kubeletPort}/pods`), 401, 'the kubelet refuses /pods without credentials');
  t.equal(await kubeletGet(`https://${address}:${kubeletPort}/containerLogs/default/web/web`), 401, 'and containerLogs');
  const served = await servingCertificate(address, kubeletPort);
  t.equal(served.cn, 'system:node:rudder-node-2', 'the kubelet serves with a certificate of its own node');
  t.match(served.names, new RegExp(`IP Address:${address.replace(/\./g, '\\.')}\\b`), 'naming the address the apiserver dials');
  // a bearer token: checked by a TokenReview, then nodes/proxy by a SubjectAccessReview
  const adminToken = /token: (\S+)/.exec(readFileSync(kubeconfig, 'utf8'))?.[1] ?? '';
  t.equal(await kubeletGet(`https://${address}:${kubeletPort}/pods`, adminToken), 200, 'the cluster admin\'s token may read /pods');
  const saToken = (await k33('create', 'token', 'default')).stdout.trim();
  t.equal(await kubeletGet(`https://${address}:${kubeletPort}/pods`, saToken), 403, 'a ServiceAccount without nodes/proxy may not');

  // a container that never started has no log yet: Kubernetes' 400
  const waiting = await kubectl('1.33', kubeconfig, ['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'never', namespace: 'default' }, spec: { nodeName: 'rudder-node-1', containers: [{ name: 'never', image: 'rudder.local/missing:stable' }] } }));
  t.equal(waiting.code, 0, waiting.stderr);
  let neverLogs = '';
  await until(async () => {
    neverLogs = (await k33('logs', 'never')).stderr;
    return /waiting to start/.test(neverLogs);
  }, 20_000, 500);
  t.match(neverLogs, /container "never" in pod "never" is waiting to start/, 'logs of a container not started yet');

  // logs --previous: the output of the container before its restart
  t.ok(await until(async () => Number((await k33('get', 'pod', 'crasher', '-o', 'jsonpath={.status.containerStatuses[0].restartCount}')).stdout || 0) >= 1, 60_000, 500), 'the crashing container was restarted');
  let previous = '';
  let current = '';
  await until(async () => {
    previous = (await k33('logs', 'crasher', '--previous')).stdout;
    current = (await k33('logs', 'crasher')).stdout;
    return RUN_LINE.test(previous) && RUN_LINE.test(current) && previous !== current;
  }, 30_000, 500);
  t.match(previous, RUN_LINE, `--previous shows the run before: ${JSON.stringify(previous)}`);
  t.match(current, RUN_LINE, `and without it the latest run: ${JSON.stringify(current)}`);
  t.not(current, previous, 'two different runs');
});
