// The native proxy rules compiler against the TypeScript reference: for random Services
// (every type, traffic policy, affinity, external and load-balancer IPs, source ranges, IPv4
// and IPv6), random EndpointSlices (conditions, nodes, zone hints, duplicates) and random node
// settings and sync requests, both print the same iptables-restore text and counts.
import fc from 'fast-check';
import t from 'tap';
import type { Service, ServicePort } from 'kubernetes-types/core/v1.js';
import type { Endpoint, EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { nativeProxyRules } from '../lib/native/proxy.js';
import { compileReference } from '../lib/proxy/iptables.js';
import type { NodeSettings, ProxyInput, SyncRequest } from '../lib/proxy/model.js';

const NAMESPACES = ['default', 'ns1', 'ns2'];
const NAMES = ['svc1', 'svc2', 'svc10', 'web', 'db'];
const PORT_NAMES = ['', 'p80', 'http', 'dns'];
const NODES = ['node1', 'node2', 'node3'];
const ZONES = ['zone-a', 'zone-b'];
const V4 = ['10.180.0.1', '10.180.0.2', '10.180.0.3', '10.0.0.9', '192.168.0.2', '010.1.1.1', 'not-an-ip'];
const V6 = ['fd00:10::1', 'fd00:10:0:0::2', '2001:DB8::3', 'fd00::a:0:0:1', '::1', 'fe80::1%eth0'];

const ip4 = fc.constantFrom(...V4);
const ip6 = fc.constantFrom(...V6);
const anyIP = fc.oneof(ip4, ip6);

const servicePort: fc.Arbitrary<ServicePort> = fc.record(
  {
    name: fc.constantFrom(...PORT_NAMES),
    protocol: fc.constantFrom('TCP', 'UDP', 'SCTP'),
    port: fc.constantFrom(53, 80, 443, 8080),
    nodePort: fc.constantFrom(0, 30080, 30443),
  },
  { requiredKeys: ['port'] },
);

const service: fc.Arbitrary<Service> = fc
  .record({
    namespace: fc.constantFrom(...NAMESPACES),
    name: fc.constantFrom(...NAMES),
    type: fc.constantFrom('ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName', undefined),
    clusterIP: fc.oneof(fc.constantFrom('172.30.0.41', '172.30.0.42', 'fd00:30::41', 'None', ''), fc.constant('172.30.0.43')),
    dual: fc.boolean(),
    ports: fc.array(servicePort, { minLength: 1, maxLength: 3 }),
    externalIPs: fc.array(anyIP, { maxLength: 2 }),
    ingress: fc.array(fc.record({ ip: anyIP, ipMode: fc.constantFrom(undefined, 'VIP', 'Proxy') }, { requiredKeys: ['ip'] }), { maxLength: 2 }),
    sourceRanges: fc.array(fc.constantFrom(' 203.0.113.0/25', '192.168.0.0/16', '0.0.0.0/0', 'fd00::/8', '10.1.2.3/33', '1.2.3.4'), { maxLength: 2 }),
    affinity: fc.option(fc.option(fc.integer({ min: 1, max: 86400 }))),
    etp: fc.constantFrom('Cluster', 'Local', undefined),
    itp: fc.constantFrom('Cluster', 'Local', undefined),
    healthCheckNodePort: fc.constantFrom(0, 30000),
  })
  .map((s) => {
    const clusterIPs = s.dual && s.clusterIP !== 'None' && s.clusterIP !== '' ? [s.clusterIP, s.clusterIP.includes(':') ? '172.30.0.50' : 'fd00:30::50'] : undefined;
    const families = clusterIPs?.map((ip) => (ip.includes(':') ? 'IPv6' : 'IPv4'));
    return {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { namespace: s.namespace, name: s.name },
      spec: {
        ...(s.type ? { type: s.type } : {}),
        clusterIP: s.clusterIP,
        ...(clusterIPs ? { clusterIPs, ipFamilies: families } : {}),
        ports: s.ports,
        externalIPs: s.externalIPs,
        loadBalancerSourceRanges: s.sourceRanges,
        ...(s.affinity !== null ? { sessionAffinity: 'ClientIP', ...(s.affinity !== null && s.affinity !== undefined ? { sessionAffinityConfig: { clientIP: { timeoutSeconds: s.affinity } } } : {}) } : { sessionAffinity: 'None' }),
        ...(s.etp ? { externalTrafficPolicy: s.etp } : {}),
        ...(s.itp ? { internalTrafficPolicy: s.itp } : {}),
        healthCheckNodePort: s.healthCheckNodePort,
      },
      status: { loadBalancer: { ingress: s.ingress.map((i) => (i.ipMode ? { ip: i.ip, ipMode: i.ipMode } : { ip: i.ip })) } },
    } as Service;
  });

const endpoint = (ip: fc.Arbitrary<string>): fc.Arbitrary<Endpoint> =>
  fc.record(
    {
      addresses: fc.array(ip, { minLength: 0, maxLength: 2 }),
      conditions: fc.record({ ready: fc.boolean(), serving: fc.boolean(), terminating: fc.boolean() }, { requiredKeys: [] }),
      nodeName: fc.constantFrom(...NODES),
      hints: fc.record({ forZones: fc.array(fc.record({ name: fc.constantFrom(...ZONES) }), { maxLength: 2 }) }),
    },
    { requiredKeys: ['addresses'] },
  );

const slice: fc.Arbitrary<EndpointSlice> = fc
  .record({
    namespace: fc.constantFrom(...NAMESPACES),
    service: fc.constantFrom(...NAMES, ''),
    index: fc.integer({ min: 0, max: 2 }),
    addressType: fc.constantFrom('IPv4', 'IPv6', 'FQDN'),
    ports: fc.array(
      fc.record({ name: fc.constantFrom(...PORT_NAMES), port: fc.constantFrom(0, 80, 8080, 9376), protocol: fc.constantFrom('TCP', 'UDP', 'SCTP') }, { requiredKeys: ['name'] }),
      { maxLength: 2 },
    ),
    endpoints: fc.array(endpoint(fc.oneof(ip4, ip6)), { maxLength: 5 }),
  })
  .map((s) => ({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { namespace: s.namespace, name: `${s.service}-${s.index}`, labels: (s.service ? { 'kubernetes.io/service-name': s.service } : {}) as Record<string, string> },
    addressType: s.addressType,
    endpoints: s.endpoints,
    ports: s.ports,
  }));

const settings: fc.Arbitrary<NodeSettings> = fc.record(
  {
    nodeName: fc.constantFrom('', ...NODES),
    ipFamily: fc.constantFrom('IPv4', 'IPv6'),
    localDetect: fc.constantFrom(
      { mode: 'None' as const },
      { mode: 'ClusterCIDR' as const, cidr: '10.0.0.0/8' },
      { mode: 'ClusterCIDR' as const, cidr: 'fd00:10::/64' },
      { mode: 'BridgeInterface' as const, interface: 'cbr0' },
      { mode: 'InterfaceNamePrefix' as const, prefix: 'veth' },
    ),
    masqueradeBit: fc.integer({ min: 0, max: 31 }),
    masqueradeAll: fc.boolean(),
    nodeIPs: fc.array(fc.constantFrom('192.168.0.2', '203.0.113.9', 'fd00::2'), { maxLength: 2 }),
    nodePortIPs: fc.array(fc.constantFrom('192.168.0.2', '127.0.0.1', 'fd00::2', '::1'), { maxLength: 3 }),
    localhostNodePorts: fc.boolean(),
    nfacct: fc.boolean(),
    randomFully: fc.boolean(),
    conntrackTCPLiberal: fc.boolean(),
    zone: fc.constantFrom(...ZONES),
  },
  { requiredKeys: [] },
);

const request: fc.Arbitrary<SyncRequest> = fc.record(
  {
    full: fc.boolean(),
    changedServices: fc.array(fc.constantFrom(...NAMESPACES.flatMap((ns) => NAMES.map((n) => `${ns}/${n}`))), { maxLength: 4 }),
    existingNatChains: fc.array(fc.constantFrom('KUBE-SVC-XPGD46QRK7WJZT7O', 'KUBE-SEP-AAAAAAAAAAAAAAAA', 'KUBE-FW-BBBBBBBBBBBBBBBB', 'KUBE-MARK-MASQ', 'DOCKER', 'KUBE-EXT-CCCCCCCCCCCCCCCC'), { maxLength: 4 }),
  },
  { requiredKeys: ['full'] },
);

const input: fc.Arbitrary<ProxyInput> = fc.record({
  services: fc.array(service, { maxLength: 6 }),
  endpointSlices: fc.array(slice, { maxLength: 8 }),
  settings,
});

const native = nativeProxyRules();
const runs = Number(process.env.RUDDER_PROPERTY_RUNS ?? 300);

t.test('native and reference compilers print the same rules and counts', async (t) => {
  const result = fc.check(
    fc.property(input, request, (i, r) => JSON.stringify(native.compile(i, r)) === JSON.stringify(compileReference(i, r))),
    { numRuns: runs },
  );
  if (result.failed && result.counterexample) {
    const [i, r] = result.counterexample;
    t.same(native.compile(i, r), compileReference(i, r), `counterexample (seed ${result.seed}): ${JSON.stringify({ input: i, request: r })}`);
  }
  t.equal(result.failed, false, `${result.numRuns} random inputs compile alike`);
});

t.test('large clusters (more than 1,000 endpoints, comments dropped) agree too', async (t) => {
  const many: ProxyInput = {
    services: [0, 1, 2].map((n) => ({ metadata: { namespace: 'ns1', name: `svc${n}` }, spec: { clusterIP: `172.30.0.${n + 1}`, sessionAffinity: n === 1 ? 'ClientIP' : 'None', ports: [{ name: 'p80', port: 80, protocol: 'TCP' }] } })),
    endpointSlices: [0, 1, 2].map((n) => ({
      metadata: { namespace: 'ns1', name: `svc${n}-1`, labels: { 'kubernetes.io/service-name': `svc${n}` } },
      addressType: 'IPv4',
      endpoints: Array.from({ length: 400 }, (_, i) => ({ addresses: [`10.${n}.${i >> 8}.${i & 255}`] })),
      ports: [{ name: 'p80', port: 80, protocol: 'TCP' }],
    })),
    settings: { localDetect: { mode: 'ClusterCIDR', cidr: '10.0.0.0/8' } },
  };
  const expected = compileReference(many, { full: true });
  t.equal(expected.largeCluster, true);
  t.notMatch(expected.text, /-> 10\./);
  t.same(native.compile(many, { full: true }), expected);
});
