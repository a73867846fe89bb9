// Rudder's proxy programming a node for real, in network namespaces this test makes (no route
// leaves them): a node namespace with a pod bridge, two endpoint pods and a client pod on it,
// and another node's namespace wired to the node. A Rudder apiserver runs in the node namespace,
// the proxy beside it applies the rules with iptables-legacy, and HTTP requests show what a user
// would see: every endpoint answers a ClusterIP, NodePorts answer from the other node, a pod
// reaches its own Service, ClientIP affinity sticks, externalTrafficPolicy Local keeps the
// client's address, a Service without endpoints refuses at once, and a removed endpoint leaves
// the rotation within one sync. --cleanup removes every chain.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { NetNs, netnsUnavailable } from '../../lib/launch/netns.js';
import { DIST, kubectlBinary } from '../helpers/paths.js';
import { until } from '../helpers/until.js';

const skip = netnsUnavailable(['iptables-legacy', 'iptables-legacy-save', 'iptables-legacy-restore', 'conntrack', 'bridge']);
const HTTP = join(DIST, 'test', 'helpers', 'netns-http.js');
const KUBECTL = kubectlBinary('1.33');

const slice = (name: string, service: string, ips: string[], changed = new Date()) => `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  namespace: default
  name: ${name}
  labels: {kubernetes.io/service-name: ${service}}
  annotations: {endpoints.kubernetes.io/last-change-trigger-time: "${changed.toISOString().replace(/\.\d+Z$/, 'Z')}"}
addressType: IPv4
endpoints:
${ips.map((ip) => `- {addresses: [${ip}], conditions: {ready: true}, nodeName: node1}`).join('\n')}
ports: [{name: http, port: 8080, protocol: TCP}]
`;

const service = (name: string, ip: string, spec: { nodePort?: number; lines?: string[] } = {}) => `apiVersion: v1
kind: Service
metadata: {namespace: default, name: ${name}}
spec:
  type: ${spec.nodePort ? 'NodePort' : 'ClusterIP'}
  clusterIP: ${ip}
  ports: [{name: http, port: 80, protocol: TCP, targetPort: 8080${spec.nodePort ? `, nodePort: ${spec.nodePort}` : ''}}]
${(spec.lines ?? []).map((l) => `  ${l}\n`).join('')}`;

const CLUSTER = [
  service('web', '10.96.5.10', { nodePort: 30080 }),
  slice('web-1', 'web', ['10.244.1.2', '10.244.1.3']),
  service('sticky', '10.96.5.11', { lines: ['sessionAffinity: ClientIP', 'sessionAffinityConfig: {clientIP: {timeoutSeconds: 60}}'] }),
  slice('sticky-1', 'sticky', ['10.244.1.2', '10.244.1.3']),
  service('local', '10.96.5.12', { nodePort: 30081, lines: ['externalTrafficPolicy: Local'] }),
  slice('local-1', 'local', ['10.244.1.2']),
  service('empty', '10.96.5.13'),
].join('---\n');

interface Answer {
  name?: string;
  remote?: string;
  error?: string;
}

t.test('the proxy programs a node', { skip, timeout: 300_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rudder-proxy-e2e-'));
  const fixture = join(dir, 'cluster.yaml');
  writeFileSync(fixture, CLUSTER);

  // 1. the namespaces: node (bridge cbr0 10.244.1.1/24, eth1 192.168.0.10/24), pods, another node.
  const node = NetNs.create('rudder-node');
  const other = NetNs.create('rudder-other');
  const pods = { p1: NetNs.create('rudder-p1'), p2: NetNs.create('rudder-p2'), client: NetNs.create('rudder-pc') };
  t.teardown(async () => {
    for (const ns of [pods.p1, pods.p2, pods.client, other, node]) await ns.remove();
  });
  const host = (args: string[]) => {
    const result = spawnSync('ip', args, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`ip ${args.join(' ')}: ${result.stderr}`);
  };
  node.run('ip', ['link', 'add', 'cbr0', 'type', 'bridge']);
  node.run('ip', ['addr', 'add', '10.244.1.1/24', 'dev', 'cbr0']);
  node.run('ip', ['link', 'set', 'cbr0', 'up']);
  const addresses: Record<keyof typeof pods, string> = { p1: '10.244.1.2', p2: '10.244.1.3', client: '10.244.1.10' };
  for (const [name, ns] of Object.entries(pods) as [keyof typeof pods, NetNs][]) {
    host(['link', 'add', `v${name}`, 'netns', node.name, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns.name]);
    node.run('ip', ['link', 'set', `v${name}`, 'master', 'cbr0', 'up']);
    node.run('bridge', ['link', 'set', 'dev', `v${name}`, 'hairpin', 'on']);
    ns.run('ip', ['addr', 'add', `${addresses[name]}/24`, 'dev', 'eth0']);
    ns.run('ip', ['link', 'set', 'eth0', 'up']);
    ns.run('ip', ['route', 'add', 'default', 'via', '10.244.1.1']);
  }
  host(['link', 'add', 'eth1', 'netns', node.name, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', other.name]);
  node.run('ip', ['addr', 'add', '192.168.0.10/24', 'dev', 'eth1']);
  node.run('ip', ['link', 'set', 'eth1', 'up']);
  other.run('ip', ['addr', 'add', '192.168.0.11/24', 'dev', 'eth0']);
  other.run('ip', ['link', 'set', 'eth0', 'up']);
  // A node routes the service range somewhere (usually its default route): here towards the
  // other node's namespace, so packets to Service addresses reach the FORWARD chain.
  node.run('ip', ['route', 'add', '10.96.0.0/12', 'via', '192.168.0.11']);

  // 2. endpoint servers in the pods.
  for (const name of ['p1', 'p2'] as const) {
    const server = pods[name].spawn(process.execPath, [HTTP, 'serve', name, '8080']);
    let out = '';
    server.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    t.ok(await until(() => out.includes('listening'), 20_000, 50), `${name} serves`);
  }

  // 3. the apiserver and the proxy in the node namespace.
  const api = node.spawn(process.execPath, [join(DIST, 'test', 'helpers', 'proxy-apiserver.js'), fixture, 'node1', '192.168.0.10']);
  let apiOut = '';
  api.stdout!.on('data', (d: Buffer) => (apiOut += d.toString()));
  api.stderr!.on('data', (d: Buffer) => (apiOut += d.toString()));
  t.ok(await until(() => apiOut.includes('"kubeconfig"') || api.exitCode !== null, 90_000, 100), 'the apiserver holds the cluster');
  if (!apiOut.includes('"kubeconfig"')) return t.fail(`the apiserver helper failed:\n${apiOut}`);
  const kubeconfig = (JSON.parse(apiOut.slice(apiOut.indexOf('{'), apiOut.indexOf('\n', apiOut.indexOf('{')))) as { kubeconfig: string }).kubeconfig;
  const proxy = node.spawn(process.execPath, [
    join(DIST, 'services', 'proxy', 'main.js'),
    '--kubeconfig', kubeconfig,
    '--hostname-override', 'node1',
    '--cluster-cidr', '10.244.0.0/16',
    '--iptables-backend', 'legacy',
    '--iptables-min-sync-period', '200ms',
    '--healthz-bind-address', '127.0.0.1:0',
    '--metrics-bind-address', '127.0.0.1:0',
  ]);
  let proxyLog = '';
  proxy.stdout!.on('data', (d: Buffer) => (proxyLog += d.toString()));
  proxy.stderr!.on('data', (d: Buffer) => (proxyLog += d.toString()));
  const syncs = () => proxyLog.split('\n').filter((l) => l.includes('synced proxy rules')).length;
  t.ok(await until(() => syncs() > 0, 60_000, 100), 'the proxy synced');

  const get = (from: NetNs, url: string, count: number): Answer[] =>
    from
      .run(process.execPath, [HTTP, 'get', url, String(count)])
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Answer);
  const names = (answers: Answer[]) => [...new Set(answers.map((a) => a.name ?? a.error))].sort();

  // 4. what a user sees.
  t.same(names(get(pods.client, 'http://10.96.5.10/', 30)), ['p1', 'p2'], 'a client pod reaches the ClusterIP and every endpoint answers');
  t.same(names(get(other, 'http://192.168.0.10:30080/', 20)), ['p1', 'p2'], "the NodePort answers from another node's namespace");
  t.ok(names(get(pods.p1, 'http://10.96.5.10/', 30)).includes('p1'), 'a pod reaches its own Service through the ClusterIP (hairpin)');
  t.equal(names(get(pods.client, 'http://10.96.5.11/', 10)).length, 1, 'ClientIP affinity sends every request to one endpoint');
  const local = get(other, 'http://192.168.0.10:30081/', 3);
  t.same([...new Set(local.map((a) => a.remote))], ['192.168.0.11'], "externalTrafficPolicy Local keeps the client's address");
  t.notSame([...new Set(get(other, 'http://192.168.0.10:30080/', 3).map((a) => a.remote))], ['192.168.0.11'], 'externalTrafficPolicy Cluster masquerades it');
  const started = Date.now();
  const refused = get(pods.client, 'http://10.96.5.13/', 1);
  t.same(names(refused), ['ECONNREFUSED'], `a Service without endpoints is rejected (${JSON.stringify(refused)})`);
  t.ok(Date.now() - started < 1500, 'at once, not after a timeout');
  t.same(names(get(other, 'http://127.0.0.1:30080/', 1)), ['ECONNREFUSED'], "the NodePort is not reached through another namespace's 127.0.0.1");

  // 5. an endpoint removed leaves the rotation within one sync.
  const before = syncs();
  const apply = node.run(KUBECTL, ['--kubeconfig', kubeconfig, 'apply', '-f', '-'], slice('web-1', 'web', ['10.244.1.2']));
  t.match(apply, /configured/);
  t.ok(await until(() => syncs() > before, 10_000, 50), 'one more sync');
  t.same(names(get(pods.client, 'http://10.96.5.10/', 20)), ['p1'], 'only the remaining endpoint answers');

  // 6. metrics and health.
  t.match(proxyLog, /"backend":"legacy"/, 'the backend is logged');
  const ports = /"healthzPort":(\d+),"metricsPort":(\d+)/.exec(proxyLog)!;
  t.equal(node.run('curl', ['-s', `http://127.0.0.1:${ports[1]}/healthz`]), 'ok', '/healthz');
  t.equal(node.run('curl', ['-s', `http://127.0.0.1:${ports[1]}/livez`]), 'ok', '/livez');
  const metrics = node.run('curl', ['-s', `http://127.0.0.1:${ports[2]}/metrics`]);
  for (const name of ['kubeproxy_sync_proxy_rules_duration_seconds_count', 'kubeproxy_sync_proxy_rules_iptables_total{table="nat"', 'kubeproxy_network_programming_duration_seconds_count']) t.match(metrics, name);

  // 7. stop, then --cleanup leaves no KUBE chain but the kubelet's firewall.
  proxy.kill('SIGTERM');
  t.ok(await until(() => proxy.exitCode !== null, 10_000, 50), 'the proxy stops on SIGTERM');
  t.equal(proxy.exitCode, 0);
  node.run(process.execPath, [join(DIST, 'services', 'proxy', 'main.js'), '--cleanup']);
  const left = (node.run('iptables-legacy-save', ['-t', 'nat']) + node.run('iptables-legacy-save', ['-t', 'filter'])).split('\n').filter((l) => l.includes('KUBE-') && !l.includes('KUBE-FIREWALL'));
  t.same(left, [], 'no proxy chain or jump is left');
});
