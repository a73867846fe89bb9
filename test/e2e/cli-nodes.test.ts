// `rudder up --nodes 2`: two real nodes, each a network namespace on a host bridge running its own
// containerd, kubelet and proxy under the supervisor. kubectl shows both nodes Ready with disjoint
// pod CIDRs; a Deployment of two HTTP servers (rudder.local/node:stable, one per node) gets two
// pod IPs from the two CIDRs; a pod on the first node reaches both pod IPs and the Service's
// ClusterIP (the proxy's rules in the node); `rudder down` leaves no namespace, link, mount,
// cgroup, process or KUBE-* chain behind.
import { join } from 'node:path';
import t from 'tap';
import { NODE_IMAGE } from '../../lib/images/local-images.js';
import { parsePrefix } from '../../lib/local-nodes/ipv4.js';
import { kubectl } from '../helpers/kubectl.js';
import { leftovers } from '../helpers/local-nodes.js';
import { hostKubeChains, realNodesClusterSkip, upWithRealNodes, webDeployment } from '../helpers/real-nodes-cluster.js';
import { alive, rudder } from '../helpers/rudder-cli.js';
import { until } from '../helpers/until.js';

interface Status {
  components: { name: string; pid: number; healthy: boolean }[];
  nodes: { name: string; namespace: string; podCIDR: string; ready: boolean }[];
}

function inPrefix(ip: string, cidr: string): boolean {
  const prefix = parsePrefix(cidr);
  return parsePrefix(`${ip}/${prefix.length}`).base === prefix.base;
}

/**
 * Requests each `name=url` of its arguments on a new connection: a pod's own name must answer its
 * URL; the `web=` URLs (the Service) must between them reach every pod named before. Exits 1 if not.
 */
const CLIENT = `
const http = require('http');
const get = (url) => new Promise((resolve, reject) => {
  http.get(url, { agent: false, timeout: 5000 }, (res) => { let body = ''; res.on('data', (d) => (body += d)); res.on('end', () => resolve(body)); })
    .on('error', reject).on('timeout', function () { this.destroy(new Error('timeout: ' + url)); });
});
// The node's proxy programs a new Service's rules within a sync: until then a connection fails.
const retried = async (url) => {
  for (let attempt = 1; ; attempt++) {
    try { return await get(url); } catch (error) { if (attempt >= 20) throw error; await new Promise((r) => setTimeout(r, 250)); }
  }
};
(async () => {
  const pods = new Set();
  const throughService = new Set();
  for (const arg of process.argv.slice(1)) {
    const [name, url] = arg.split('=');
    const body = await retried(url);
    console.log(url, body);
    if (name === 'web') throughService.add(body);
    else if (body === name) pods.add(name);
    else throw new Error(url + ' answered ' + body + ', not ' + name);
  }
  // An endpoint that became ready last reaches this node's rules within a sync: keep asking a while.
  const serviceUrl = process.argv.slice(1).find((arg) => arg.startsWith('web='))?.slice(4);
  for (let extra = 0; serviceUrl && extra < 80 && [...pods].some((name) => !throughService.has(name)); extra++) {
    await new Promise((r) => setTimeout(r, 250));
    throughService.add(await retried(serviceUrl));
  }
  if ([...pods].some((name) => !throughService.has(name))) throw new Error('the Service reached only ' + [...throughService]);
})().catch((error) => { console.error(String(error)); process.exit(1); });
`;

t.test('rudder up --nodes 2: real nodes run a Deployment reachable across nodes and through its Service', { skip: realNodesClusterSkip(), timeout: 180_000 }, async (t) => {
  const chainsBefore = hostKubeChains();
  const started = Date.now();

  // 1. up with two real nodes, on a node network of its own (tests run side by side)
  const { up, dataDir, kubeconfig } = await upWithRealNodes(t);
  t.equal(up.code, 0, up.stderr);
  t.comment(`up took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const kube = (...args: string[]) => kubectl('1.33', kubeconfig, args);

  // 2. status lists each node's containerd, kubelet and proxy, healthy, and the nodes with disjoint pod CIDRs
  const status = JSON.parse(rudder(['status', '--data-dir', dataDir, '-o', 'json']).stdout) as Status;
  const names = status.components.map((c) => c.name);
  for (const node of ['rudder-node-1', 'rudder-node-2']) for (const component of ['containerd', 'kubelet', 'proxy']) t.ok(names.includes(`${component}-${node}`), `${component}-${node} runs`);
  t.ok(status.components.every((c) => c.healthy), `every component is healthy: ${JSON.stringify(status.components.filter((c) => !c.healthy))}`);
  t.same(status.nodes.map((n) => n.name), ['rudder-node-1', 'rudder-node-2']);
  const [cidr1, cidr2] = status.nodes.map((n) => n.podCIDR);
  t.not(cidr1, cidr2, 'disjoint pod CIDRs');

  // 3. kubectl: both nodes Ready, with the pod CIDRs their networks use
  t.ok(await until(async () => (await kube('get', 'nodes', '--no-headers')).stdout.trim().split('\n').filter((l) => /\sReady\s/.test(l)).length === 2, 30_000, 250), 'both nodes are Ready');
  const specCidrs = (await kube('get', 'nodes', '-o', 'jsonpath={range .items[*]}{.spec.podCIDR} {end}')).stdout.trim().split(' ');
  t.same(specCidrs, [cidr1, cidr2]);

  // 3b. the scheduler, each kubelet and each proxy run as their own least-privilege users
  const as = (component: string, ...args: string[]) => kubectl('1.33', join(dataDir, 'kubeconfigs', `${component}.kubeconfig`), args);
  t.match((await as('scheduler', 'auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}')).stdout, 'system:kube-scheduler');
  t.match((await as('scheduler', 'create', 'namespace', 'not-mine')).stderr, /Forbidden|forbidden/, 'the scheduler cannot create namespaces');
  t.match((await as('kubelet-rudder-node-1', 'auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}')).stdout, 'system:node:rudder-node-1');
  t.match((await as('kubelet-rudder-node-1', 'label', 'node', 'rudder-node-2', 'owned=no')).stderr, /forbidden/, "a kubelet cannot change another node");
  t.match((await as('proxy-rudder-node-1', 'get', 'secrets', '-A')).stderr, /forbidden/, 'a proxy cannot read Secrets');

  // 4. a Deployment of two HTTP servers, one on each node (anti-affinity), and its Service
  const web = webDeployment({ affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' }] } } });
  const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } };
  for (const object of [web, service]) {
    const result = await kubectl('1.33', kubeconfig, ['apply', '-f', '-'], JSON.stringify(object));
    t.equal(result.code, 0, result.stderr);
  }
  const available = await kube('wait', '--for=condition=Available', 'deployment/web', '--timeout=60s');
  t.equal(available.code, 0, available.stderr);
  const pods = (await kube('get', 'pods', '-l', 'app=web', '-o', 'jsonpath={range .items[*]}{.metadata.name},{.spec.nodeName},{.status.podIP} {end}')).stdout.trim().split(' ').map((row) => row.split(','));
  t.equal(pods.length, 2, 'two pods');
  t.equal(new Set(pods.map((p) => p[1])).size, 2, `on two nodes: ${JSON.stringify(pods)}`);
  const ips = pods.map((p) => p[2]!);
  t.equal(new Set(ips).size, 2, 'distinct pod IPs');
  for (const [, node, ip] of pods) t.ok(inPrefix(ip!, node === 'rudder-node-1' ? cidr1! : cidr2!), `${ip} is in ${node}'s pod CIDR`);

  // 5. a pod on the first node reaches both servers by pod IP (each answers with its name), and
  // both through the Service's ClusterIP (a new connection each time, so the rules pick again)
  const clusterIP = (await kube('get', 'service', 'web', '-o', 'jsonpath={.spec.clusterIP}')).stdout;
  const targets = [...pods.map(([name, , ip]) => `${name}=http://${ip}:8080`), ...Array.from({ length: 16 }, () => `web=http://${clusterIP}:80`)];
  const client = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'client', namespace: 'default' },
    spec: { nodeName: 'rudder-node-1', restartPolicy: 'Never', terminationGracePeriodSeconds: 1, containers: [{ name: 'client', image: NODE_IMAGE, command: ['node', '-e', CLIENT, ...targets] }] },
  };
  const made = await kubectl('1.33', kubeconfig, ['apply', '-f', '-'], JSON.stringify(client));
  t.equal(made.code, 0, made.stderr);
  let phase = '';
  await until(async () => {
    phase = (await kube('get', 'pod', 'client', '-o', 'jsonpath={.status.phase}')).stdout;
    return phase === 'Succeeded' || phase === 'Failed';
  }, 60_000, 250);
  const logs = phase === 'Succeeded' ? '' : (await kube('logs', 'client')).stdout;
  t.equal(phase, 'Succeeded', `the client pod reached ${ips.join(' and ')}, and both through ${clusterIP}${logs ? `:\n${logs}` : ''}`);
  t.comment(`up to traffic checked: ${((Date.now() - started) / 1000).toFixed(1)} s`);

  // 6. down removes every process, namespace, link, mount and cgroup the nodes had, and no KUBE-* chain is left on the host
  const id = /^rudder-([a-z0-9]+)-/.exec(status.nodes[0]!.namespace)?.[1] ?? '';
  const down = rudder(['down', '--data-dir', dataDir]);
  t.equal(down.code, 0, down.stderr);
  t.ok(status.components.every((c) => !alive(c.pid)), 'no component is left running');
  t.same(leftovers(id, dataDir), { namespaces: 0, links: 0, mounts: 0, containerdProcesses: 0, cgroups: 0 }, 'nothing of the nodes is left on the host');
  t.same(hostKubeChains(), chainsBefore, 'the host has the KUBE-* chains it had before');
});
