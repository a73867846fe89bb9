// Services, Endpoints and EndpointSlices.
import t from 'tap';
import {
  DNS1035_MSG,
  LABEL_MSG,
  type Obj,
  createProblems,
  edited,
  endpointSlice,
  endpoints,
  service,
  set,
  statusProblems,
  stored,
  unset,
  updateProblems,
} from './validation-fixtures.js';

function broken(make: () => Obj, edit: (o: Obj) => void): Obj {
  const o = make();
  edit(o);
  return o;
}

t.test('valid objects pass once defaulted', async (t) => {
  t.same(createProblems(service()), []);
  t.same(createProblems(set(service(), 'spec.type', 'NodePort')), []);
  t.same(createProblems(set(service(), 'spec.type', 'LoadBalancer')), []);
  t.same(createProblems(set(service(), 'spec.clusterIP', 'None')), [], 'headless');
  t.same(createProblems(set(service(), 'spec.clusterIP', '10.96.0.10')), [], 'chosen cluster IP');
  t.same(createProblems({ ...service(), spec: { type: 'ExternalName', externalName: 'db.example.com.' } }), [], 'ExternalName');
  t.same(createProblems(endpoints()), []);
  t.same(createProblems(endpointSlice()), []);
});

const serviceCases: [string, (o: Obj) => void, string[]][] = [
  ['name that starts with a digit', (o) => set(o, 'metadata.name', '1web'), [`metadata.name: Invalid value: "1web": ${DNS1035_MSG}`]],
  ['no ports', (o) => set(o, 'spec.ports', []), ['spec.ports: Required value']],
  [
    'port zero',
    (o) => set(o, 'spec.ports', [{ port: 0 }]),
    ['spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive', 'spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive'],
  ],
  ['unnamed ports when there are two', (o) => set(o, 'spec.ports', [{ port: 80 }, { port: 443 }]), ['spec.ports[0].name: Required value', 'spec.ports[1].name: Required value']],
  [
    'port name',
    (o) => set(o, 'spec.ports', [{ port: 80, name: 'Web' }]),
    [`spec.ports[0].name: Invalid value: "Web": ${LABEL_MSG}`],
  ],
  [
    'duplicate port',
    (o) => set(o, 'spec.ports', [{ port: 80, name: 'a' }, { port: 80, name: 'b' }]),
    [
      'spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}',
    ],
  ],
  ['duplicate port names', (o) => set(o, 'spec.ports', [{ port: 80, name: 'a' }, { port: 81, name: 'a' }]), ['spec.ports[1].name: Duplicate value: "a"']],
  [
    'port protocol',
    (o) => set(o, 'spec.ports[0].protocol', 'ICMP'),
    ['spec.ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"'],
  ],
  [
    'unknown type',
    (o) => set(o, 'spec.type', 'Internal'),
    ['spec.type: Unsupported value: "Internal": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"'],
  ],
  ['node port on a ClusterIP service', (o) => set(o, 'spec.ports[0].nodePort', 30080), ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]],
  [
    'duplicate node port',
    (o) => {
      set(o, 'spec.type', 'NodePort');
      set(o, 'spec.ports', [{ port: 80, name: 'a', nodePort: 30080 }, { port: 81, name: 'b', nodePort: 30080 }]);
    },
    ['spec.ports[1].nodePort: Duplicate value: 30080'],
  ],
  [
    'cluster IP that is not an IP',
    (o) => set(o, 'spec.clusterIP', '10.96.0'),
    ['spec.clusterIPs[0]: Invalid value: "10.96.0": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'],
  ],
  [
    'cluster IPs out of step',
    (o) => set(set(o, 'spec.clusterIP', '10.96.0.10'), 'spec.clusterIPs', ['10.96.0.11']),
    ['spec.clusterIPs: Invalid value: []string{"10.96.0.11"}: first value must match `clusterIP`'],
  ],
  [
    'IP family that does not match the cluster IP',
    (o) => set(set(o, 'spec.clusterIP', 'fd00::10'), 'spec.ipFamilies', ['IPv4']),
    ['spec.clusterIPs[0]: Invalid value: "fd00::10": expected an IPv4 value as indicated by `ipFamilies[0]`'],
  ],
  [
    'headless LoadBalancer',
    (o) => set(set(o, 'spec.type', 'LoadBalancer'), 'spec.clusterIP', 'None'),
    ["spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for LoadBalancer services"],
  ],
  ['ExternalName without a name', (o) => set(o, 'spec', { type: 'ExternalName' }), ['spec.externalName: Required value']],
  [
    'ExternalName with cluster IPs',
    (o) => set(o, 'spec', { type: 'ExternalName', externalName: 'db.example.com', clusterIP: '10.96.0.10' }),
    ['spec.clusterIPs: Forbidden: may not be set for ExternalName services'],
  ],
  [
    'session affinity timeout',
    (o) => set(set(o, 'spec.sessionAffinity', 'ClientIP'), 'spec.sessionAffinityConfig', { clientIP: { timeoutSeconds: 0 } }),
    ['spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 0: must be greater than 0 and less than 86400'],
  ],
  [
    'external traffic policy on an internal service',
    (o) => set(o, 'spec.externalTrafficPolicy', 'Local'),
    ['spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services'],
  ],
  [
    'source ranges on an internal service',
    (o) => set(o, 'spec.loadBalancerSourceRanges', ['10.0.0.0/8']),
    ["spec.LoadBalancerSourceRanges: Forbidden: may only be used when `type` is 'LoadBalancer'"],
  ],
  [
    'source range that is not a CIDR',
    (o) => set(set(o, 'spec.type', 'LoadBalancer'), 'spec.loadBalancerSourceRanges', ['10.0.0.0']),
    ['spec.LoadBalancerSourceRanges[0]: Invalid value: "10.0.0.0": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'],
  ],
  [
    'health check port without Local policy',
    (o) => set(set(o, 'spec.type', 'LoadBalancer'), 'spec.healthCheckNodePort', 32000),
    ["spec.healthCheckNodePort: Invalid value: 32000: may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"],
  ],
  [
    'external IP in the loopback range',
    (o) => set(o, 'spec.externalIPs', ['127.0.0.1']),
    ['spec.externalIPs[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)'],
  ],
  [
    'internal traffic policy',
    (o) => set(o, 'spec.internalTrafficPolicy', 'Node'),
    ['spec.internalTrafficPolicy: Unsupported value: "Node": supported values: "Cluster", "Local"'],
  ],
];

for (const [name, edit, expected] of serviceCases) {
  t.test(`Service: ${name}`, async (t) => {
    t.same(createProblems(broken(service, edit)), expected);
  });
}

t.test('Service updates keep allocated IPs', async (t) => {
  const old = stored(set(service(), 'spec.clusterIP', '10.96.0.10'));
  t.same(updateProblems(edited(old, (o) => set(o, 'spec.ports[0].port', 8080)), old), []);
  t.same(updateProblems(edited(old, (o) => set(set(o, 'spec.clusterIP', '10.96.0.20'), 'spec.clusterIPs', ['10.96.0.20'])), old), [
    'spec.clusterIPs[0]: Invalid value: []string{"10.96.0.20"}: may not change once set',
  ]);
  t.same(updateProblems(edited(old, (o) => set(o, 'spec.ipFamilies', ['IPv6'])), old), [
    'spec.ipFamilies[0]: Invalid value: []core.IPFamily{"IPv6"}: may not change once set',
    'spec.clusterIPs[0]: Invalid value: "10.96.0.10": expected an IPv6 value as indicated by `ipFamilies[0]`',
  ]);
  t.same(
    updateProblems(edited(old, (o) => set(o, 'spec', { type: 'ExternalName', externalName: 'db.example.com', sessionAffinity: 'None' })), old),
    [],
    'becoming ExternalName without IPs',
  );
  t.same(
    updateProblems(edited(old, (o) => set(set(o, 'spec.type', 'ExternalName'), 'spec.externalName', 'db.example.com')), old),
    [],
    'becoming ExternalName releases the untouched IPs',
  );
  const externalWithNewIP = edited(old, (o) => {
    set(o, 'spec.type', 'ExternalName');
    set(o, 'spec.externalName', 'db.example.com');
    set(o, 'spec.clusterIP', '10.96.0.99');
    set(o, 'spec.clusterIPs', ['10.96.0.99']);
  });
  t.same(updateProblems(externalWithNewIP, old), ['spec.clusterIPs: Forbidden: may not be set for ExternalName services'], 'IPs the client changed stay, and are refused');
});

t.test('Service replaced from a manifest keeps what was allocated', async (t) => {
  const old = stored(set(set(service(), 'spec.type', 'NodePort'), 'spec.clusterIP', '10.96.0.10'));
  set(old, 'spec.ports[0].nodePort', 30080);
  const manifest = set(set(service(), 'spec.type', 'NodePort'), 'metadata', old.metadata);
  t.same(updateProblems(manifest, old), []);
  const toClusterIP = edited(old, (o) => set(o, 'spec.type', 'ClusterIP'));
  t.same(updateProblems(toClusterIP, old), [], 'node ports the client did not touch go away with the type');
});

t.test('Service status: load balancer ingress', async (t) => {
  const old = stored(set(service(), 'spec.type', 'LoadBalancer'));
  t.same(statusProblems(edited(old, (o) => set(o, 'status.loadBalancer.ingress', [{ ip: '203.0.113.7', ipMode: 'VIP' }])), old), []);
  t.same(statusProblems(edited(old, (o) => set(o, 'status.loadBalancer.ingress', [{ ip: '203.0.113' }])), old), [
    'status.loadBalancer.ingress[0].ip: Invalid value: "203.0.113": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    'status.loadBalancer.ingress[0].ipMode: Required value: must be specified when `ip` is set',
  ]);
  const internal = stored(service());
  t.same(statusProblems(edited(internal, (o) => set(o, 'status.loadBalancer.ingress', [{ ip: '203.0.113.7' }])), internal), [
    "status.loadBalancer.ingress: Forbidden: may only be used when `spec.type` is 'LoadBalancer'",
  ]);
});

const endpointsCases: [string, (o: Obj) => void, string[]][] = [
  ['subset without addresses', (o) => unset(o, 'subsets[0].addresses'), ['subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`']],
  [
    'address that is not an IP',
    (o) => set(o, 'subsets[0].addresses[0].ip', 'web-1'),
    ['subsets[0].addresses[0].ip: Invalid value: "web-1": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)', 'subsets[0].addresses[0].ip: Invalid value: "web-1": must be a valid IP address'],
  ],
  [
    'link-local address',
    (o) => set(o, 'subsets[0].addresses[0].ip', '169.254.169.254'),
    ['subsets[0].addresses[0].ip: Invalid value: "169.254.169.254": may not be in the link-local range (169.254.0.0/16, fe80::/10)'],
  ],
  ['unnamed ports when there are two', (o) => set(o, 'subsets[0].ports', [{ port: 80 }, { port: 443 }]), ['subsets[0].ports[0].name: Required value', 'subsets[0].ports[1].name: Required value']],
];

for (const [name, edit, expected] of endpointsCases) {
  t.test(`Endpoints: ${name}`, async (t) => {
    t.same(createProblems(broken(endpoints, edit)), expected);
  });
}

const sliceCases: [string, (o: Obj) => void, string[]][] = [
  ['address type', (o) => set(o, 'addressType', 'IP'), ['addressType: Unsupported value: "IP": supported values: "FQDN", "IPv4", "IPv6"']],
  ['no address type', (o) => unset(o, 'addressType'), ['addressType: Required value']],
  ['endpoint without addresses', (o) => set(o, 'endpoints[0].addresses', []), ['endpoints[0].addresses: Required value: must contain at least 1 address']],
  ['IPv6 address in an IPv4 slice', (o) => set(o, 'endpoints[0].addresses', ['fd00::5']), ['endpoints[0].addresses[0]: Invalid value: "fd00::5": must be a valid IPv4 address']],
  [
    'FQDN with one label',
    (o) => {
      set(o, 'addressType', 'FQDN');
      set(o, 'endpoints[0].addresses', ['db']);
    },
    ['endpoints[0].addresses[0]: Invalid value: "db": should be a domain with at least two segments separated by dots'],
  ],
  ['port protocol', (o) => set(o, 'ports[0].protocol', 'HTTP'), ['ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"']],
  ['duplicate port names', (o) => set(o, 'ports[1]', { name: 'http', port: 8080 }), ['ports[1].name: Duplicate value: "http"']],
  ['hostname', (o) => set(o, 'endpoints[0].hostname', 'Web'), [`endpoints[0].hostname: Invalid value: "Web": ${LABEL_MSG}`]],
];

for (const [name, edit, expected] of sliceCases) {
  t.test(`EndpointSlice: ${name}`, async (t) => {
    t.same(createProblems(broken(endpointSlice, edit)), expected);
  });
}

t.test('EndpointSlice address type is immutable', async (t) => {
  const old = stored(endpointSlice());
  t.same(updateProblems(edited(old, (o) => set(o, 'endpoints[0].addresses', ['10.244.2.9'])), old), []);
  t.same(updateProblems(edited(old, (o) => set(set(o, 'addressType', 'IPv6'), 'endpoints[0].addresses', ['fd00::9'])), old), [
    'addressType: Invalid value: "IPv6": field is immutable',
  ]);
});
