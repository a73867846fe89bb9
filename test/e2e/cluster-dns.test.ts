// Cluster DNS through `rudder up --nodes 2`: a pod's libc resolver (Node's dns.lookup in
// rudder.local/node:stable) asks the kube-dns Service (10.96.0.10, the proxy's rules in the node
// take it to the DNS server on the host's bridge address) with the resolv.conf the kubelet wrote:
// `web` and `web.default.svc.cluster.local` resolve to the ClusterIP, a headless Service to the pod
// IPs, the named port has its SRV record, and a name outside the cluster is forwarded to the
// upstream resolver (a tiny DNS server this test starts on loopback, given as RUDDER_UPSTREAM).
// Killed, the DNS is restarted by the supervisor and answers again.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import t from 'tap';
import { NODE_IMAGE } from '../../lib/images/local-images.js';
import { netnsPath } from '../../lib/local-nodes/plan.js';
import { fixedAnswerServer } from '../helpers/dns-fixtures.js';
import { kubectl } from '../helpers/kubectl.js';
import { realNodesClusterSkip, upWithRealNodes, webDeployment } from '../helpers/real-nodes-cluster.js';
import { rudder } from '../helpers/rudder-cli.js';
import { until } from '../helpers/until.js';

/** Asks the libc resolver (and c-ares for SRV) and writes what it got to the termination message; retries while the kube-dns rules are not programmed yet. */
const CLIENT = `
const dns = require('dns');
const fs = require('fs');
const http = require('http');
const retried = async (what) => {
  for (let attempt = 1; ; attempt++) {
    try { return await what(); } catch (error) { if (attempt >= 40) return 'error: ' + error.code; await new Promise((r) => setTimeout(r, 250)); }
  }
};
const lookup = (name) => retried(() => dns.promises.lookup(name, { all: true, family: 4 }).then((all) => all.map((a) => a.address).sort()));
const get = (url) => new Promise((resolve, reject) => http.get(url, { timeout: 5000 }, (res) => { let b = ''; res.on('data', (d) => (b += d)); res.on('end', () => resolve(b)); }).on('error', reject));
(async () => {
  const result = {
    resolvConf: fs.readFileSync('/etc/resolv.conf', 'utf8'),
    short: await lookup('web'),
    full: await lookup('web.default.svc.cluster.local'),
    headless: await lookup('web-pods'),
    srv: await retried(() => dns.promises.resolveSrv('_http._tcp.web.default.svc.cluster.local')),
    external: await lookup('outside.example.test'),
    byName: await retried(() => get('http://web/')),
  };
  fs.writeFileSync('/dev/termination-log', JSON.stringify(result));
})().catch((error) => { fs.writeFileSync('/dev/termination-log', String(error)); process.exit(1); });
`;

const run = promisify(execFile);

interface ClientResult {
  resolvConf: string;
  short: string[];
  full: string[];
  headless: string[];
  srv: { name: string; port: number }[];
  external: string[];
  byName: string;
}

t.test('pods resolve Services, headless Services, SRV records and outside names through the cluster DNS', { skip: realNodesClusterSkip(), timeout: 240_000 }, async (t) => {
  const upstream = await fixedAnswerServer('192.0.2.44');
  t.teardown(() => upstream.close());

  // 1. up with two real nodes; the cluster DNS forwards outside names to the test's resolver
  const { up, dataDir, kubeconfig } = await upWithRealNodes(t, { ...process.env, RUDDER_UPSTREAM: `127.0.0.1:${upstream.port}` });
  t.equal(up.code, 0, up.stderr);
  const kube = (...args: string[]) => kubectl('1.33', kubeconfig, args);
  const status = JSON.parse(rudder(['status', '--data-dir', dataDir, '-o', 'json']).stdout) as Status;
  t.ok(status.components.some((c) => c.name === 'dns' && c.healthy), 'rudder status lists the dns component, healthy');

  // 2. kube-system/kube-dns at the 10th address of the service range
  t.equal((await kube('get', 'service', 'kube-dns', '-n', 'kube-system', '-o', 'jsonpath={.spec.clusterIP}')).stdout, '10.96.0.10');

  // 3. two HTTP servers, a ClusterIP Service with a named port and a headless Service over them
  const web = webDeployment();
  const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } };
  const headless = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web-pods', namespace: 'default' }, spec: { clusterIP: 'None', selector: { app: 'web' }, ports: [{ name: 'http', port: 8080 }] } };
  for (const object of [web, service, headless]) {
    const result = await kubectl('1.33', kubeconfig, ['apply', '-f', '-'], JSON.stringify(object));
    t.equal(result.code, 0, result.stderr);
  }
  const available = await kube('wait', '--for=condition=Available', 'deployment/web', '--timeout=90s');
  t.equal(available.code, 0, available.stderr);
  const podIPs = (await kube('get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].status.podIP}')).stdout.trim().split(' ').sort();
  const clusterIP = (await kube('get', 'service', 'web', '-o', 'jsonpath={.spec.clusterIP}')).stdout;

  // 4. a pod asks its resolver
  const client = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'dns-client', namespace: 'default' },
    spec: { nodeName: 'rudder-node-1', restartPolicy: 'Never', terminationGracePeriodSeconds: 1, containers: [{ name: 'client', image: NODE_IMAGE, command: ['node', '-e', CLIENT] }] },
  };
  const made = await kubectl('1.33', kubeconfig, ['apply', '-f', '-'], JSON.stringify(client));
  t.equal(made.code, 0, made.stderr);
  let phase = '';
  await until(async () => {
    phase = (await kube('get', 'pod', 'dns-client', '-o', 'jsonpath={.status.phase}')).stdout;
    return phase === 'Succeeded' || phase === 'Failed';
  }, 90_000, 500);
  const message = (await kube('get', 'pod', 'dns-client', '-o', 'jsonpath={.status.containerStatuses[0].state.terminated.message}')).stdout;
  t.equal(phase, 'Succeeded', message);
  let result: ClientResult | undefined;
  try {
    result = JSON.parse(message) as ClientResult;
  } catch {
    t.fail(`the client reported: ${message}`);
    return;
  }
  t.comment(JSON.stringify(result));

  // 5. what the pod saw
  t.match(result.resolvConf, /^nameserver 10\.96\.0\.10$/m, 'resolv.conf names the kube-dns ClusterIP');
  t.match(result.resolvConf, /^search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local$/m);
  t.match(result.resolvConf, /^options ndots:5$/m);
  t.same(result.short, [clusterIP], '`web` is the ClusterIP (through the search path)');
  t.same(result.full, [clusterIP], 'web.default.svc.cluster.local is the ClusterIP');
  t.same(result.headless, podIPs, 'the headless Service gives the pod IPs');
  t.same(result.srv, [{ name: 'web.default.svc.cluster.local', port: 80, priority: 0, weight: 100 }], 'the named port has its SRV record');
  t.same(result.external, ['192.0.2.44'], 'an outside name is forwarded upstream');
  t.ok(upstream.questions.some((q) => q.toLowerCase() === 'outside.example.test'), 'the upstream was asked for it');
  t.match(result.byName, /^web-/, 'a request to http://web/ reaches a pod');

  // 6. the DNS killed: the supervisor restarts it, and a node's own processes (host network)
  // resolve through the kube-dns ClusterIP again
  const before = JSON.parse(rudder(['status', '--data-dir', dataDir, '-o', 'json']).stdout) as Status;
  process.kill(before.components.find((c) => c.name === 'dns')!.pid, 'SIGKILL');
  const restarted = await until(async () => {
    const now = JSON.parse(rudder(['status', '--data-dir', dataDir, '-o', 'json']).stdout) as Status;
    return now.components.some((c) => c.name === 'dns' && c.restarts >= 1 && c.healthy);
  }, 30_000, 250);
  t.ok(restarted, 'dns is restarted and healthy');
  const fromNode = await resolveInNode(before.nodes[0]!.namespace, 'web.default.svc.cluster.local');
  t.equal(fromNode, clusterIP, 'a host-network process in a node resolves through 10.96.0.10');
});

interface Status {
  components: { name: string; pid: number; healthy: boolean; restarts: number }[];
  nodes: { namespace: string }[];
}

/** Asks 10.96.0.10 (c-ares, as Node's dns.Resolver) from inside a node's network namespace, trying for up to 10 s. */
async function resolveInNode(netns: string, name: string): Promise<string> {
  const script = `const r = new (require('dns').promises.Resolver)({ timeout: 1000, tries: 1 }); r.setServers(['10.96.0.10']);
(async () => { for (let i = 0; i < 10; i++) { try { console.log((await r.resolve4(${JSON.stringify(name)})).join(',')); return; } catch (e) { await new Promise((s) => setTimeout(s, 500)); } } console.log('unresolved'); })();`;
  const { stdout } = await run('nsenter', [`--net=${netnsPath(netns)}`, process.execPath, '-e', script], { timeout: 20_000 });
  return stdout.trim();
}
