// A local cluster survives its parts dying. On `rudder up --apiservers 3 --nodes 2` the example app
// (examples/app.yaml: a front end calling its back end by DNS name) answers a prober pod that asks
// the front end's ClusterIP every 200 ms on a new connection. Each of the Raft leader's apiserver,
// the scheduler, the controller-manager, a kubelet, a proxy and the DNS is SIGKILLed in turn: the
// supervisor restarts it (a new pid, restarts 1 in `rudder status`, a line in its log), the app
// keeps answering, and afterwards the cluster still does its work (a scale-up runs). Then a host
// crash: every Rudder process and both nodes' containerd SIGKILLed at once, `rudder up` again on
// the same data dir brings the nodes, the objects and the workloads back, and the app answers;
// `rudder down` leaves nothing on the host.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { NODE_IMAGE } from '../../lib/images/local-images.js';
import { kubectl } from '../helpers/kubectl.js';
import { leftovers } from '../helpers/local-nodes.js';
import { ROOT } from '../helpers/paths.js';
import { hostKubeChains, realNodesClusterSkip, upWithRealNodes } from '../helpers/real-nodes-cluster.js';
import { alive, rudder } from '../helpers/rudder-cli.js';
import { until } from '../helpers/until.js';

interface Status {
  components: { name: string; pid: number; healthy: boolean; restarts: number }[];
  apiservers: { name: string; pid: number; role: string | null; healthy: boolean }[];
  nodes: { name: string; namespace: string; ready: boolean }[];
}

/** Asks its URL every 200 ms on a new connection and prints `<ms since epoch> ok|fail <answer>`. */
const PROBER = `
const http = require('http');
const once = () => new Promise((resolve) => {
  const started = Date.now();
  const done = (ok, text) => resolve(console.log(started + (ok ? ' ok ' : ' fail ') + text));
  http.get(process.argv[1], { agent: false, timeout: 2000 }, (res) => { let body = ''; res.on('data', (d) => (body += d)); res.on('end', () => done(res.statusCode === 200, body)); })
    .on('timeout', function () { this.destroy(new Error('timeout')); }).on('error', (error) => done(false, error.message));
});
(async () => { for (;;) { await once(); await new Promise((r) => setTimeout(r, 200)); } })();
`;

/** The times of the prober's good answers (the front end reached the back end by name). */
function answers(log: string): number[] {
  return log.split('\n').filter((line) => / ok frontend \S+ -> backend /.test(line)).map((line) => Number(line.split(' ')[0]));
}

/** The id in the names of the node network's namespaces and links (lib/local-nodes/plan.ts). */
function nodeNetworkId(status: Status): string {
  return /^rudder-([a-z0-9]+)-/.exec(status.nodes[0]?.namespace ?? '')?.[1] ?? '';
}

t.test('rudder up --apiservers 3 --nodes 2: killed components come back, and so does the cluster after a host crash', { skip: realNodesClusterSkip(), timeout: 420_000 }, async (t) => {
  const chainsBefore = hostKubeChains();
  const started = Date.now();
  const elapsed = (): string => `${((Date.now() - started) / 1000).toFixed(1)} s`;

  // 1. three apiserver replicas and two real nodes
  const { up, dataDir, kubeconfig, upAgain } = await upWithRealNodes(t, process.env, ['--apiservers', '3']);
  t.equal(up.code, 0, up.stderr);
  const kube = (...args: string[]) => kubectl('1.33', kubeconfig, args);
  const status = (): Status => JSON.parse(rudder(['status', '--data-dir', dataDir, '-o', 'json']).stdout || '{"components":[],"apiservers":[],"nodes":[]}') as Status;
  const before = status();
  t.equal(before.apiservers.length, 3, 'three apiserver replicas');

  // 2. the example app, and the prober on the first node asking the front end's ClusterIP
  const applied = await kube('apply', '-f', join(ROOT, 'examples', 'app.yaml'));
  t.equal(applied.code, 0, applied.stderr);
  const available = await kube('wait', '--for=condition=Available', 'deployment/backend', 'deployment/frontend', '--timeout=90s');
  t.equal(available.code, 0, available.stderr);
  const frontendIP = (await kube('get', 'service', 'frontend', '-o', 'jsonpath={.spec.clusterIP}')).stdout;
  const prober = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'prober', namespace: 'default' },
    spec: { nodeName: 'rudder-node-1', terminationGracePeriodSeconds: 1, containers: [{ name: 'prober', image: NODE_IMAGE, command: ['node', '-e', PROBER, `http://${frontendIP}/`] }] },
  };
  const made = await kubectl('1.33', kubeconfig, ['apply', '-f', '-'], JSON.stringify(prober));
  t.equal(made.code, 0, made.stderr);
  const proberLog = async (): Promise<string> => (await kube('logs', 'prober')).stdout;
  const answeredAfter = (since: number): Promise<boolean> => until(async () => answers(await proberLog()).some((at) => at > since), 60_000, 500);
  t.ok(await answeredAfter(0), 'the prober gets answers from the front end, which reached the back end by name');
  t.comment(`app answering at ${elapsed()}`);

  // 3. each component SIGKILLed in turn: restarted (new pid, healthy, restarts 1, said in the log), and the app answers after it
  const leader = before.apiservers.find((a) => a.role === 'leader')?.name ?? 'apiserver-2';
  const victims = [leader, 'scheduler', 'controller-manager', 'kubelet-rudder-node-2', 'proxy-rudder-node-1', 'dns'];
  const killsFrom = Date.now();
  for (const name of victims) {
    const old = status().components.find((c) => c.name === name);
    if (!t.ok(old, `${name} runs`) || !old) continue;
    process.kill(old.pid, 'SIGKILL');
    const killedAt = Date.now();
    let now: Status['components'][number] | undefined;
    const back = await until(() => {
      now = status().components.find((c) => c.name === name);
      return now !== undefined && now.pid !== old.pid && now.healthy && now.restarts === old.restarts + 1;
    }, 60_000, 300);
    t.ok(back, `${name} is restarted by the supervisor: ${JSON.stringify(now)}`);
    t.match(readFileSync(join(dataDir, 'logs', 'supervisor.log'), 'utf8'), `${name} exited (SIGKILL); restarting`, `the supervisor's log says ${name} was restarted`);
    t.ok(await answeredAfter(killedAt), `the app answers after ${name} was killed`);
    t.comment(`${name} back and the app answering ${((Date.now() - killedAt) / 1000).toFixed(1)} s after its kill`);
  }

  // 4. the cluster recovered: every component and replica healthy, one Raft leader, both nodes
  // Ready, and a scale-up gets scheduled, run and added to the back end's Service
  const after = status();
  t.ok(after.components.every((c) => c.healthy), `every component is healthy: ${JSON.stringify(after.components.filter((c) => !c.healthy))}`);
  t.equal(after.apiservers.filter((a) => a.role === 'leader').length, 1, 'the replicas have one leader');
  t.ok(await until(() => status().nodes.every((n) => n.ready), 60_000, 500), 'both nodes are Ready');
  t.equal((await kube('scale', 'deployment/backend', '--replicas=3')).code, 0);
  const scaled = await kube('wait', '--for=jsonpath={.status.availableReplicas}=3', 'deployment/backend', '--timeout=90s');
  t.equal(scaled.code, 0, `the scale-up runs: ${scaled.stderr}`);
  t.ok(await until(async () => (await kube('get', 'endpointslices', '-l', 'kubernetes.io/service-name=backend', '-o', 'jsonpath={.items[*].endpoints[*].addresses[0]}')).stdout.trim().split(' ').length === 3, 60_000, 500), 'the back end\'s Service has three endpoints');

  // the app kept answering: its longest silence spans at most the DNS's restart (the front end resolves the back end per request)
  const times = answers(await proberLog()).filter((at) => at >= killsFrom);
  const longestSilence = Math.max(0, ...times.slice(1).map((at, i) => at - times[i]!));
  t.comment(`the prober's longest silence while components were killed: ${longestSilence} ms`);
  t.ok(longestSilence < 20_000, `the app kept answering (longest silence ${longestSilence} ms)`);

  // 5. a host crash: every Rudder process and each node's containerd SIGKILLed at once
  const crashedId = nodeNetworkId(after);
  t.equal((await kube('create', 'configmap', 'before-crash', '--from-literal=written=yes')).code, 0);
  const state = JSON.parse(readFileSync(join(dataDir, 'cluster.json'), 'utf8')) as { supervisorPid: number; components: { pid: number }[] };
  const crashed = [state.supervisorPid, ...state.components.map((c) => c.pid)];
  for (const pid of crashed) process.kill(pid, 'SIGKILL');
  t.ok(await until(() => crashed.every((pid) => !alive(pid)), 10_000, 100), 'every Rudder process and containerd is gone');

  // 6. rudder up again on the same data dir: the nodes, the objects and the workloads are back, and the app answers
  const crashedAt = Date.now();
  const again = upAgain();
  t.equal(again.code, 0, again.stderr);
  t.comment(`up again after the crash took ${((Date.now() - crashedAt) / 1000).toFixed(1)} s`);
  t.ok(await until(() => status().nodes.filter((n) => n.ready).length === 2, 60_000, 500), 'both nodes are Ready again');
  t.equal((await kube('get', 'configmap', 'before-crash', '-o', 'jsonpath={.data.written}')).stdout, 'yes', 'an object written before the crash is there');
  const restored = await kube('wait', '--for=jsonpath={.status.availableReplicas}=3', 'deployment/backend', '--timeout=90s');
  t.equal(restored.code, 0, `the back end runs its three replicas again: ${restored.stderr}`);
  const frontend = await kube('wait', '--for=jsonpath={.status.availableReplicas}=2', 'deployment/frontend', '--timeout=90s');
  t.equal(frontend.code, 0, `the front end runs its two replicas again: ${frontend.stderr}`);
  t.ok(await answeredAfter(crashedAt), 'the prober runs again and the app answers it');
  t.comment(`crash to the app answering again: ${((Date.now() - crashedAt) / 1000).toFixed(1)} s (story so far ${elapsed()})`);

  // 7. rudder down leaves no process, namespace, veth, bridge, mount, cgroup or KUBE-* chain
  const last = status();
  const down = rudder(['down', '--data-dir', dataDir]);
  t.equal(down.code, 0, down.stderr);
  t.ok(last.components.every((c) => !alive(c.pid)), 'no component is left running');
  const nothing = { namespaces: 0, links: 0, mounts: 0, containerdProcesses: 0, cgroups: 0 };
  t.same(leftovers(nodeNetworkId(last), dataDir), nothing, 'nothing of the nodes is left on the host');
  t.same(leftovers(crashedId, dataDir), nothing, 'nor of the nodes the crashed run had made');
  t.same(hostKubeChains(), chainsBefore, 'the host has the KUBE-* chains it had before');
  t.comment(`whole story: ${elapsed()}`);
});
