// Namespaces, Nodes, ConfigMaps, Secrets, ServiceAccounts, Events, Leases, the Scale
// subresource, and the ObjectMeta rules all kinds share.
import t from 'tap';
import { formatFieldError } from '../lib/api/field-errors.js';
import { validateCreate, validateScale } from '../lib/api/validation/index.js';
import {
  ALL_VALID,
  LABEL_MSG,
  NAME_PART_MSG,
  SUBDOMAIN_MSG,
  type Obj,
  configMap,
  createProblems,
  edited,
  event,
  info,
  lease,
  namespace,
  node,
  secret,
  serviceAccount,
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

t.test('every valid fixture passes once defaulted', async (t) => {
  for (const make of ALL_VALID) t.same(createProblems(make()), [], String(make().kind));
});

const cases: [string, () => Obj, (o: Obj) => void, string[]][] = [
  ['Namespace name with upper case', namespace, (o) => set(o, 'metadata.name', 'Dev'), [`metadata.name: Invalid value: "Dev": ${LABEL_MSG}`]],
  ['Namespace name with a dot', namespace, (o) => set(o, 'metadata.name', 'dev.team'), ['metadata.name: Invalid value: "dev.team": must not contain dots']],
  ['Namespace with a namespace', namespace, (o) => set(o, 'metadata.namespace', 'default'), ['metadata.namespace: Forbidden: not allowed on this type']],
  [
    'Namespace finalizer',
    namespace,
    (o) => set(o, 'spec.finalizers', ['cleanup']),
    ['spec.finalizers: Invalid value: "cleanup": name is neither a standard finalizer name nor is it fully qualified'],
  ],
  ['Node name', node, (o) => set(o, 'metadata.name', 'Node_1'), [`metadata.name: Invalid value: "Node_1": ${SUBDOMAIN_MSG}`]],
  [
    'Node taint effect (reported under metadata)',
    node,
    (o) => set(o, 'spec.taints', [{ key: 'dedicated', value: 'db', effect: 'NoRun' }]),
    ['metadata.taints[0].effect: Unsupported value: "NoRun": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"'],
  ],
  [
    'Node duplicate taints',
    node,
    (o) => set(o, 'spec.taints', [{ key: 'dedicated', effect: 'NoSchedule' }, { key: 'dedicated', value: 'x', effect: 'NoSchedule' }]),
    ['metadata.taints[1]: Duplicate value: core.Taint{Key:"dedicated", Value:"x", Effect:"NoSchedule", TimeAdded:(*v1.Time)(nil)}: taints must be unique by key and effect pair'],
  ],
  ['Node negative capacity', node, (o) => set(o, 'status.capacity.cpu', '-4'), ['status.capacity.cpu: Invalid value: "-4": must be greater than or equal to 0', 'status.allocatable.cpu: Invalid value: "-4": must be greater than or equal to 0']],
  [
    'Node pod CIDR',
    node,
    (o) => set(o, 'spec.podCIDR', '10.244.1.0'),
    ['spec.podCIDRs[0]: Invalid value: "10.244.1.0": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'],
  ],
  [
    'ConfigMap key',
    configMap,
    (o) => set(o, "data['app conf']", 'x'),
    [
      "data[app conf]: Invalid value: \"app conf\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    ],
  ],
  ['ConfigMap key "..x"', configMap, (o) => set(o, "data['..x']", 'x'), ["data[..x]: Invalid value: \"..x\": must not start with '..'"]],
  [
    'ConfigMap key in data and binaryData',
    configMap,
    (o) => set(o, "binaryData['app.conf']", 'eA=='),
    ['data[app.conf]: Invalid value: "app.conf": duplicate of key present in binaryData'],
  ],
  ['ConfigMap over 1 MiB', configMap, (o) => set(o, 'data.big', 'x'.repeat(1024 * 1024)), ['Too long: must have at most 1048576 bytes']],
  [
    'Secret key',
    secret,
    (o) => set(o, "data['pass word']", 'eA=='),
    [
      "data[pass word]: Invalid value: \"pass word\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    ],
  ],
  ['Secret over 1 MiB', secret, (o) => set(o, 'data.big', Buffer.alloc(1024 * 1024).toString('base64')), ['data: Too long: must have at most 1048576 bytes']],
  ['TLS secret without key pair', secret, (o) => set(o, 'type', 'kubernetes.io/tls'), ['data[tls.crt]: Required value', 'data[tls.key]: Required value']],
  [
    'service account token secret without its account',
    secret,
    (o) => set(o, 'type', 'kubernetes.io/service-account-token'),
    ['metadata.annotations[kubernetes.io/service-account.name]: Required value'],
  ],
  [
    'docker config that is not JSON',
    secret,
    (o) => set(set(o, 'type', 'kubernetes.io/dockerconfigjson'), "data['.dockerconfigjson']", Buffer.from('[1]').toString('base64')),
    ['data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": json: cannot unmarshal array into Go value of type map[string]interface {}'],
  ],
  ['basic-auth secret without credentials', secret, (o) => set(set(o, 'type', 'kubernetes.io/basic-auth'), 'data', {}), ['data[username]: Required value', 'data[password]: Required value']],
  ['data that is not base64', secret, (o) => set(o, 'data.password', 'not base64!'), ['data[password]: Invalid value: "<secret contents redacted>": illegal base64 data']],
  ['ServiceAccount name', serviceAccount, (o) => set(o, 'metadata.name', 'Builder'), [`metadata.name: Invalid value: "Builder": ${SUBDOMAIN_MSG}`]],
  [
    'Event in another namespace than its object',
    event,
    (o) => set(o, 'involvedObject.namespace', 'prod'),
    ['involvedObject.namespace: Invalid value: "prod": does not match event.namespace'],
  ],
  ['Event name with a slash (generic path-segment rule)', event, (o) => set(o, 'metadata.name', 'web/1'), ["metadata.name: Invalid value: \"web/1\": may not contain '/'"]],
  ['Event name "."', event, (o) => set(o, 'metadata.name', '.'), ["metadata.name: Invalid value: \".\": may not be '.'"]],
  [
    'new-style Event without reporter',
    event,
    (o) => set(o, 'eventTime', '2024-05-01T10:00:00.000000Z'),
    [
      'reportingController: Required value',
      `reportingController: Invalid value: "": name part must be non-empty`,
      `reportingController: Invalid value: "": ${NAME_PART_MSG}`,
      'reportingInstance: Required value',
      'action: Required value',
    ],
  ],
  ['Lease duration', lease, (o) => set(o, 'spec.leaseDurationSeconds', 0), ['spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0']],
  ['Lease transitions', lease, (o) => set(o, 'spec.leaseTransitions', -1), ['spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0']],
  ['Lease preferred holder without strategy', lease, (o) => set(o, 'spec.preferredHolder', 'node-2'), ['spec.preferredHolder: Forbidden: may only be specified if `strategy` is defined']],
  ['Lease without namespace', lease, (o) => unset(o, 'metadata.namespace'), ['metadata.namespace: Required value']],
  [
    'owner reference without uid',
    configMap,
    (o) => set(o, 'metadata.ownerReferences', [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }]),
    ['metadata.ownerReferences.uid: Invalid value: "": must not be empty'],
  ],
  [
    'two controllers',
    configMap,
    (o) =>
      set(o, 'metadata.ownerReferences', [
        { apiVersion: 'apps/v1', kind: 'Deployment', name: 'a', uid: '1', controller: true },
        { apiVersion: 'apps/v1', kind: 'Deployment', name: 'b', uid: '2', controller: true },
      ]),
    [
      'metadata.ownerReferences: Invalid value: [{"apiVersion":"apps/v1","kind":"Deployment","name":"a","uid":"1","controller":true},{"apiVersion":"apps/v1","kind":"Deployment","name":"b","uid":"2","controller":true}]: Only one reference can have Controller set to true. Found "true" in references for Deployment/a and Deployment/b',
    ],
  ],
  [
    'orphan and foreground deletion together',
    configMap,
    (o) => set(o, 'metadata.finalizers', ['orphan', 'foregroundDeletion']),
    ['metadata.finalizers: Invalid value: []string{"orphan", "foregroundDeletion"}: finalizer orphan and foregroundDeletion cannot be both set'],
  ],
  ['negative generation', configMap, (o) => set(o, 'metadata.generation', -1), ['metadata.generation: Invalid value: -1: must be greater than or equal to 0']],
  [
    'annotation key',
    configMap,
    (o) => set(o, "metadata.annotations['example.com/a/b']", 'x'),
    [
      "metadata.annotations: Invalid value: \"example.com/a/b\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ],
  ],
];

for (const [name, make, edit, expected] of cases) {
  t.test(name, async (t) => {
    t.same(createProblems(broken(make, edit)), expected);
  });
}

t.test('Namespace status follows deletion', async (t) => {
  const old = stored(namespace());
  t.same(statusProblems(edited(old, (o) => set(o, 'status.phase', 'Terminating')), old), [
    "status.Phase: Invalid value: \"Terminating\": may only be 'Active' if `deletionTimestamp` is empty",
  ]);
});

t.test('Node updates may not change pod CIDRs or provider', async (t) => {
  const old = stored(set(node(), 'spec.providerID', 'kind://node-1'));
  t.same(updateProblems(edited(old, (o) => set(o, 'spec.unschedulable', true)), old), []);
  t.same(updateProblems(edited(old, (o) => set(set(o, 'spec.podCIDR', '10.244.9.0/24'), 'spec.podCIDRs', ['10.244.9.0/24'])), old), [
    'spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid',
  ]);
  t.same(updateProblems(edited(old, (o) => set(o, 'spec.providerID', 'kind://node-2')), old), [
    'spec.providerID: Forbidden: node updates may not change providerID except from "" to valid',
  ]);
});

t.test('immutable ConfigMaps and Secrets keep their data', async (t) => {
  const cm = stored(set(configMap(), 'immutable', true));
  t.same(updateProblems(edited(cm, (o) => set(o, "metadata.labels['team']", 'a')), cm), []);
  t.same(updateProblems(edited(cm, (o) => set(o, "data['app.conf']", 'x=2')), cm), ['data: Forbidden: field is immutable when `immutable` is set']);
  t.same(updateProblems(edited(cm, (o) => set(o, 'immutable', false)), cm), ['immutable: Forbidden: field is immutable when `immutable` is set']);
  const s = stored(set(secret(), 'immutable', true));
  t.same(updateProblems(edited(s, (o) => set(o, 'data.password', 'eA==')), s), ['data: Forbidden: field is immutable when `immutable` is set']);
  const plain = stored(secret());
  t.same(updateProblems(edited(plain, (o) => set(o, 'data.password', 'eA==')), plain), []);
  t.same(updateProblems(edited(plain, (o) => set(o, 'type', 'kubernetes.io/basic-auth')), plain), [
    'type: Invalid value: "kubernetes.io/basic-auth": field is immutable',
  ]);
});

t.test('finalizers cannot be added while an object is being deleted', async (t) => {
  const old = stored(configMap());
  set(old, 'metadata.deletionTimestamp', '2024-05-01T11:00:00Z');
  set(old, 'metadata.finalizers', ['example.com/keep']);
  t.same(updateProblems(edited(old, (o) => set(o, 'metadata.finalizers', [])), old), []);
  t.same(updateProblems(edited(old, (o) => set(o, 'metadata.finalizers', ['example.com/keep', 'example.com/more'])), old), [
    'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/more"}',
  ]);
});

t.test('generation never goes back', async (t) => {
  const old = stored(set(configMap(), 'metadata.generation', 3));
  t.same(updateProblems(edited(old, (o) => set(o, 'metadata.generation', 2)), old), ['metadata.generation: Invalid value: 2: must not be decremented']);
});

t.test('Lease updates', async (t) => {
  const old = stored(lease());
  t.same(updateProblems(edited(old, (o) => set(o, 'spec.holderIdentity', 'node-2')), old), []);
  t.same(updateProblems(edited(old, (o) => set(o, 'spec.leaseDurationSeconds', -1)), old), ['spec.leaseDurationSeconds: Invalid value: -1: must be greater than 0']);
});

t.test('Scale subresource', async (t) => {
  const scale = (replicas: unknown, name = 'web'): string[] =>
    validateScale({ apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name, namespace: 'default' }, spec: { replicas } }).map(formatFieldError);
  t.same(scale(3), []);
  t.same(scale(0), []);
  t.same(scale(-1), ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']);
  t.same(scale(1, ''), ['metadata.name: Required value: name or generateName is required']);
});

t.test('cluster-scoped kinds refuse a namespace and namespaced kinds need one', async (t) => {
  t.same(createProblems(set(node(), 'metadata.namespace', 'default')), ['metadata.namespace: Forbidden: not allowed on this type']);
  // Without defaults a cluster-scoped object is checked the same way.
  const raw = set(namespace(), 'metadata.namespace', 'default');
  t.same(validateCreate(info(raw), raw).map(formatFieldError), ['metadata.namespace: Forbidden: not allowed on this type']);
  t.same(createProblems(unset(serviceAccount(), 'metadata.namespace')), ['metadata.namespace: Required value']);
});
