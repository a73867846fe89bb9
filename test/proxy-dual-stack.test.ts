// The proxy serves both IP families as kube-proxy does, one proxier each: in a scratch network
// namespace (no route out) the proxy's syncers apply a dual-stack Service's IPv4 rules with
// iptables-legacy-restore and its IPv6 rules with ip6tables-legacy-restore, an IPv6-only Service
// only to ip6tables, an IPv4-only one only to iptables, each with its family's endpoints.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { NetNs, netnsUnavailable } from '../lib/launch/netns.js';
import { DIST } from './helpers/paths.js';

const skip = netnsUnavailable(['iptables-legacy-restore', 'iptables-legacy-save', 'ip6tables-legacy', 'ip6tables-legacy-restore', 'ip6tables-legacy-save']);
const HELPER = join(DIST, 'test', 'helpers', 'proxy-syncers.js');

const service = (name: string, families: string[], ips: string[]) => `apiVersion: v1
kind: Service
metadata: {namespace: default, name: ${name}}
spec:
  clusterIP: ${ips[0]}
  clusterIPs: [${ips.join(', ')}]
  ipFamilies: [${families.join(', ')}]
  ports: [{name: http, port: 80, protocol: TCP}]
`;

const slice = (name: string, serviceName: string, family: string, ips: string[]) => `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {namespace: default, name: ${name}, labels: {kubernetes.io/service-name: ${serviceName}}}
addressType: ${family}
endpoints:
${ips.map((ip) => `- {addresses: ["${ip}"], conditions: {ready: true}, nodeName: node1}`).join('\n')}
ports: [{name: http, port: 8080, protocol: TCP}]
`;

const CLUSTER = [
  service('dual', ['IPv4', 'IPv6'], ['10.96.6.10', 'fd00:96::10']),
  slice('dual-v4', 'dual', 'IPv4', ['10.244.1.2', '10.244.1.3']),
  slice('dual-v6', 'dual', 'IPv6', ['fd00:244::2', 'fd00:244::3']),
  service('v6only', ['IPv6'], ['fd00:96::11']),
  slice('v6only-1', 'v6only', 'IPv6', ['fd00:244::4']),
  service('v4only', ['IPv4'], ['10.96.6.12']),
  slice('v4only-1', 'v4only', 'IPv4', ['10.244.1.4']),
].join('---\n');

t.test('a dual-stack node gets IPv4 rules from iptables-restore and IPv6 rules from ip6tables-restore', { skip }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rudder-proxy-dual-'));
  const fixture = join(dir, 'cluster.yaml');
  writeFileSync(fixture, CLUSTER);
  const ns = NetNs.create('rudder-proxy-dual');
  t.teardown(async () => {
    await ns.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  const out = ns.run(process.execPath, [HELPER, fixture, 'node1', '192.168.0.10', 'fd00:1::10']);
  t.same(JSON.parse(out.trim().split('\n').pop()!), { families: ['IPv4', 'IPv6'] }, 'one proxier per family');

  const v4 = ns.run('iptables-legacy-save', ['-t', 'nat']);
  const v6 = ns.run('ip6tables-legacy-save', ['-t', 'nat']);
  t.match(v6, /-A KUBE-SERVICES -d fd00:96::10\/128 -p tcp -m comment --comment "default\/dual:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-/, 'the dual-stack Service has its IPv6 cluster IP in ip6tables');
  t.match(v4, /-A KUBE-SERVICES -d 10\.96\.6\.10\/32 -p tcp -m comment --comment "default\/dual:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-/, 'and its IPv4 cluster IP in iptables');
  for (const endpoint of ['[fd00:244::2]:8080', '[fd00:244::3]:8080', '[fd00:244::4]:8080']) t.ok(v6.includes(`--to-destination ${endpoint}`), `ip6tables DNATs to ${endpoint}`);
  for (const endpoint of ['10.244.1.2:8080', '10.244.1.3:8080', '10.244.1.4:8080']) t.ok(v4.includes(`--to-destination ${endpoint}`), `iptables DNATs to ${endpoint}`);
  t.match(v6, /"default\/v6only:http cluster IP"/, 'the IPv6-only Service is in ip6tables');
  t.notMatch(v4, /v6only|fd00:/, 'and nothing IPv6 is in iptables');
  t.notMatch(v6, /v4only|10\.244\./, 'nothing IPv4 is in ip6tables');
  t.match(ns.run('ip6tables-legacy-save', ['-t', 'nat']), /-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES/, 'ip6tables jumps into the proxy chains');
});
