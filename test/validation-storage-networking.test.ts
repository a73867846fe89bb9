// Validation of the storage, networking and namespace-policy kinds against Kubernetes 1.36's rules
// (Ingress paths and pathType, NetworkPolicy ports and peers, PV/PVC access modes and capacity,
// immutable fields, quota resource names, LimitRange bounds), each with the field its 422 names.
import t from 'tap';
import {
  type Obj,
  createProblems,
  csiDriver,
  csiNode,
  csiStorageCapacity,
  edited,
  ingress,
  ingressClass,
  ipAddress,
  limitRange,
  networkPolicy,
  persistentVolume,
  persistentVolumeClaim,
  resourceQuota,
  serviceCIDR,
  set,
  statusProblems,
  storageClass,
  stored,
  unset,
  updateProblems,
  volumeAttachment,
  volumeAttributesClass,
} from './validation-fixtures.js';

const PATH0 = 'spec.rules[0].http.paths[0]';

t.test('Ingress: paths, pathType, hosts and backends', async (t) => {
  t.same(createProblems(ingress()), []);
  const problems = (edit: (o: Obj) => void) => createProblems(edited(ingress(), edit));
  t.same(problems((o) => unset(o, `${PATH0}.pathType`)), [`${PATH0}.pathType: Required value: pathType must be specified`]);
  t.same(problems((o) => set(o, `${PATH0}.pathType`, 'Regex')), [`${PATH0}.pathType: Unsupported value: "Regex": supported values: "Exact", "ImplementationSpecific", "Prefix"`]);
  t.same(problems((o) => set(o, `${PATH0}.path`, 'api')), [`${PATH0}.path: Invalid value: "api": must be an absolute path`]);
  t.same(problems((o) => set(o, `${PATH0}.path`, '/a//b')), [`${PATH0}.path: Invalid value: "/a//b": must not contain '//'`]);
  t.same(problems((o) => set(o, `${PATH0}.path`, '/a/..')), [`${PATH0}.path: Invalid value: "/a/..": cannot end with '/..'`]);
  t.same(
    problems((o) => {
      set(o, `${PATH0}.pathType`, 'ImplementationSpecific');
      set(o, `${PATH0}.path`, '');
    }),
    [],
    'an ImplementationSpecific path may be empty',
  );
  t.same(problems((o) => set(o, 'spec.rules[0].host', '10.0.0.1')), ['spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address']);
  t.same(problems((o) => set(o, 'spec.rules[0].host', '*.example.com')), [], 'a wildcard host');
  t.match(problems((o) => set(o, 'spec.rules[0].host', 'foo.*.com'))[0], /^spec\.rules\[0\]\.host: Invalid value: "foo\.\*\.com": a wildcard DNS-1123 subdomain must start with '\*\.'/);
  t.same(createProblems({ ...ingress(), spec: {} }), ['spec: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified']);
  t.same(problems((o) => set(o, `${PATH0}.backend.service.port`, { name: 'http', number: 80 })), [`${PATH0}.backend: Invalid value: "": cannot set both port name & port number`]);
  t.same(problems((o) => set(o, `${PATH0}.backend.service.port`, {})), [`${PATH0}.backend: Required value: port name or number is required`]);
  t.same(problems((o) => set(o, `${PATH0}.backend.service.port.number`, 70000)), [`${PATH0}.backend.service.port.number: Invalid value: 70000: must be between 1 and 65535, inclusive`]);
  t.same(problems((o) => set(o, `${PATH0}.backend`, {})), [`${PATH0}.backend: Invalid value: "": resource or service backend is required`]);
  t.same(problems((o) => set(o, 'spec.tls[0].secretName', 'Bad_Name')).length, 1);
  t.same(problems((o) => set(o, 'metadata.annotations', { 'kubernetes.io/ingress.class': 'other' })), [
    'annotations.kubernetes.io/ingress.class: Invalid value: "other": must match `ingressClassName` when both are specified',
  ]);
  const old = stored(ingress());
  t.same(updateProblems(edited(old, (o) => set(o, `${PATH0}.path`, '/v2')), old), [], 'rules may change');
  t.same(statusProblems(edited(old, (o) => set(o, 'status', { loadBalancer: { ingress: [{ ip: '300.1.1.1' }] } })), old), [
    'status.loadBalancer.ingress[0].ip: Invalid value: "300.1.1.1": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
  ]);
});

t.test('IngressClass: a domain-prefixed controller that never changes, and scoped parameters', async (t) => {
  t.same(createProblems(ingressClass()), []);
  t.same(createProblems(edited(ingressClass(), (o) => set(o, 'spec.controller', 'nginx'))), ['spec.controller: Invalid value: "nginx": must be a domain-prefixed path (such as "acme.io/foo")']);
  t.same(createProblems(edited(ingressClass(), (o) => set(o, 'spec.parameters', { kind: 'Params', name: 'p', scope: 'Namespace' }))), [
    "spec.parameters.namespace: Required value: `parameters.scope` is set to 'Namespace'",
  ]);
  t.same(createProblems(edited(ingressClass(), (o) => set(o, 'spec.parameters', { kind: 'Params', name: 'p', scope: 'Cluster', namespace: 'x' }))), [
    "spec.parameters.namespace: Forbidden: `parameters.scope` is set to 'Cluster'",
  ]);
  const old = stored(ingressClass());
  t.same(updateProblems(edited(old, (o) => set(o, 'spec.controller', 'example.com/other')), old), ['spec.controller: Invalid value: "example.com/other": field is immutable']);
});

t.test('NetworkPolicy: ports, peers and policy types', async (t) => {
  t.same(createProblems(networkPolicy()), []);
  const problems = (edit: (o: Obj) => void) => createProblems(edited(networkPolicy(), edit));
  t.same(problems((o) => set(o, 'spec.ingress[0].ports[0].port', 70000)), ['spec.ingress[0].ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive']);
  t.same(problems((o) => set(o, 'spec.egress[0].ports[0]', { port: 5000, endPort: 4000 })), ['spec.egress[0].ports[0].endPort: Invalid value: 5000: must be greater than or equal to `port`']);
  t.same(problems((o) => set(o, 'spec.egress[0].ports[0]', { port: 'http', endPort: 4000 })), ['spec.egress[0].ports[0].endPort: Invalid value: 4000: may not be specified when `port` is non-numeric']);
  t.same(problems((o) => set(o, 'spec.egress[0].ports[0]', { endPort: 4000 })), ['spec.egress[0].ports[0].endPort: Invalid value: 4000: may not be specified when `port` is not specified']);
  t.same(problems((o) => set(o, 'spec.ingress[0].ports[0].protocol', 'ICMP')), ['spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"']);
  t.same(problems((o) => set(o, 'spec.ingress[0].ports[0].port', 'Not_A_Name')).length, 1);
  t.same(problems((o) => set(o, 'spec.ingress[0].from[0]', {})), ['spec.ingress[0].from[0]: Required value: must specify a peer']);
  t.same(problems((o) => set(o, 'spec.ingress[0].from[1].ipBlock.except', ['10.1.0.0/24'])), ['spec.ingress[0].from[1].ipBlock.except[0]: Invalid value: "10.1.0.0/24": must be a strict subset of `cidr`']);
  t.same(problems((o) => set(o, 'spec.ingress[0].from[1].ipBlock.cidr', '10.0.0.0/40')), [
    'spec.ingress[0].from[1].ipBlock.cidr: Invalid value: "10.0.0.0/40": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
  ]);
  t.same(problems((o) => set(o, 'spec.ingress[0].from[1].podSelector', {})), ['spec.ingress[0].from[1]: Forbidden: may not specify both ipBlock and another peer']);
  t.same(problems((o) => set(o, 'spec.policyTypes', ['Ingress', 'Sideways'])), ['spec.policyTypes[1]: Unsupported value: "Sideways": supported values: "Ingress", "Egress"']);
  const defaulted = stored(networkPolicy());
  t.same((defaulted.spec as { policyTypes: string[] }).policyTypes, ['Ingress', 'Egress'], 'policy types default from the rules');
  t.equal((defaulted.spec as { egress: { ports: { protocol: string }[] }[] }).egress[0]!.ports[0]!.protocol, 'TCP');
});

t.test('PersistentVolume: access modes, capacity, one source, reclaim policy, immutable source', async (t) => {
  t.same(createProblems(persistentVolume()), []);
  const problems = (edit: (o: Obj) => void) => createProblems(edited(persistentVolume(), edit));
  t.same(problems((o) => unset(o, 'spec.accessModes')), ['spec.accessModes: Required value']);
  t.same(problems((o) => set(o, 'spec.accessModes', ['ReadWriteSometimes'])), [
    'spec.accessModes: Unsupported value: "ReadWriteSometimes": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"',
  ]);
  t.same(problems((o) => set(o, 'spec.accessModes', ['ReadWriteOncePod', 'ReadOnlyMany'])), ['spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes']);
  t.same(problems((o) => set(o, 'spec.capacity.storage', '0')), ['spec.capacity[storage]: Invalid value: "0": must be greater than zero']);
  t.same(problems((o) => set(o, 'spec.capacity.cpu', '1')), ['spec.capacity: Unsupported value: map[cpu storage]: supported values: "storage"']);
  t.equal(problems((o) => unset(o, 'spec.capacity'))[0], 'spec.capacity: Required value');
  t.same(problems((o) => unset(o, 'spec.hostPath')), ['spec: Required value: must specify a volume type']);
  t.same(problems((o) => set(o, 'spec.nfs', { server: 'nfs', path: '/x' })), ['spec.nfs: Forbidden: may not specify more than 1 volume type']);
  t.same(
    problems((o) => {
      unset(o, 'spec.hostPath');
      set(o, 'spec.local', { path: '/mnt' });
    }),
    ['spec.nodeAffinity: Required value: Local volume requires node affinity'],
  );
  t.same(problems((o) => set(o, 'spec.persistentVolumeReclaimPolicy', 'Keep')), ['spec.persistentVolumeReclaimPolicy: Unsupported value: "Keep": supported values: "Delete", "Recycle", "Retain"']);
  const old = stored(persistentVolume());
  t.equal((old.spec as { persistentVolumeReclaimPolicy: string }).persistentVolumeReclaimPolicy, 'Retain', 'reclaim policy defaults to Retain');
  t.same(updateProblems(edited(old, (o) => set(o, 'spec.hostPath.path', '/other')), old), ['spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation']);
  t.same(updateProblems(edited(old, (o) => set(o, 'spec.capacity.storage', '20Gi')), old), [], 'capacity may change');
});

t.test('PersistentVolumeClaim: access modes, requested storage, what may change', async (t) => {
  t.same(createProblems(persistentVolumeClaim()), []);
  const problems = (edit: (o: Obj) => void) => createProblems(edited(persistentVolumeClaim(), edit));
  t.same(problems((o) => unset(o, 'spec.accessModes')), ['spec.accessModes: Required value: at least 1 access mode is required']);
  t.same(problems((o) => unset(o, 'spec.resources.requests.storage')), ['spec.resources[storage]: Required value']);
  t.same(problems((o) => set(o, 'spec.resources.requests.storage', '0')), ['spec.resources[storage]: Invalid value: "0": must be greater than zero']);
  t.same(problems((o) => set(o, 'spec.volumeMode', 'Raw')), ['spec.volumeMode: Unsupported value: "Raw": supported values: "Block", "Filesystem"']);
  t.same(problems((o) => set(o, 'spec.dataSource', { kind: 'Snapshot', name: 's' })), ["spec.dataSource: Invalid value: \"Snapshot\": must be 'PersistentVolumeClaim' when referencing the default apiGroup"]);
  const old = stored(persistentVolumeClaim());
  t.same(updateProblems(edited(old, (o) => set(o, 'spec.accessModes', ['ReadWriteMany'])), old), [
    'spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims',
  ]);
  t.same(updateProblems(edited(old, (o) => set(o, 'spec.volumeName', 'pv-1')), old), [], 'the binder sets volumeName once');
  const bound = edited(old, (o) => {
    set(o, 'spec.volumeName', 'pv-1');
    set(o, 'status', { phase: 'Bound', capacity: { storage: '1Gi' } });
  });
  t.same(updateProblems(edited(bound, (o) => set(o, 'spec.resources.requests.storage', '2Gi')), bound), [], 'a bound claim may grow');
  t.same(updateProblems(edited(bound, (o) => set(o, 'spec.resources.requests.storage', '1Gi')), edited(bound, (o) => set(o, 'spec.resources.requests.storage', '2Gi'))), [
    'spec.resources.requests.storage: Forbidden: field can not be less than status.capacity',
  ]);
});

t.test('StorageClass, CSIDriver, CSINode, VolumeAttachment, CSIStorageCapacity, VolumeAttributesClass', async (t) => {
  for (const make of [storageClass, csiDriver, csiNode, volumeAttachment, csiStorageCapacity, volumeAttributesClass]) t.same(createProblems(make()), [], make.name);
  t.same(createProblems(edited(storageClass(), (o) => unset(o, 'provisioner'))), ['provisioner: Required value']);
  t.same(createProblems(edited(storageClass(), (o) => set(o, 'reclaimPolicy', 'Recycle'))), ['reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"']);
  t.same(createProblems(edited(storageClass(), (o) => set(o, 'volumeBindingMode', 'Later'))), ['volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", "WaitForFirstConsumer"']);
  const sc = stored(storageClass());
  t.same([sc.reclaimPolicy, sc.volumeBindingMode], ['Delete', 'Immediate'], 'defaults');
  t.same(updateProblems(edited(sc, (o) => set(o, 'parameters', { type: 'hdd' })), sc), ['parameters: Forbidden: updates to parameters are forbidden.']);
  t.same(updateProblems(edited(sc, (o) => set(o, 'provisioner', 'other.example.com/x')), sc), ['provisioner: Forbidden: updates to provisioner are forbidden.']);
  t.same(updateProblems(edited(sc, (o) => set(o, 'allowVolumeExpansion', false)), sc), [], 'expansion may be switched');

  t.same(createProblems(edited(csiDriver(), (o) => set(o, 'spec.fsGroupPolicy', 'Sometimes'))), ['spec.fsGroupPolicy: Unsupported value: "Sometimes": supported values: "File", "None", "ReadWriteOnceWithFSType"']);
  t.same(createProblems(edited(csiDriver(), (o) => set(o, 'spec.tokenRequests', [{ audience: 'a', expirationSeconds: 60 }, { audience: 'a' }]))), [
    'spec.tokenRequests[0].expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes',
    'spec.tokenRequests[1].audience: Duplicate value: "a"',
  ]);
  const driver = stored(csiDriver());
  t.same(updateProblems(edited(driver, (o) => set(o, 'spec.attachRequired', true)), driver), ['spec.attachedRequired: Invalid value: true: field is immutable']);

  t.same(createProblems(edited(csiNode(), (o) => set(o, 'spec.drivers[1]', { name: 'hostpath.csi.example.com', nodeID: 'n' }))), ['spec.drivers[1].name: Duplicate value: "hostpath.csi.example.com"']);
  const node = stored(csiNode());
  t.same(updateProblems(edited(node, (o) => set(o, 'spec.drivers[0].allocatable', { count: 10 })), node), [], 'the allocatable count may change');
  t.equal(updateProblems(edited(node, (o) => set(o, 'spec.drivers[0].nodeID', 'other')), node)[0]?.startsWith('spec.drivers: Invalid value: '), true);

  t.same(createProblems(edited(volumeAttachment(), (o) => set(o, 'spec.source', {}))), ['spec.source: Required value: must specify exactly one of inlineVolumeSpec and persistentVolumeName']);
  const attachment = stored(volumeAttachment());
  t.match(updateProblems(edited(attachment, (o) => set(o, 'spec.nodeName', 'node-2')), attachment), [/^spec: Invalid value: .*: field is immutable$/]);
  t.same(statusProblems(edited(attachment, (o) => set(o, 'status', { attached: true, attachError: { errorCode: -1 } })), attachment), [
    'status.attachError.errorCode: Invalid value: -1: must be between 0 and 2147483647, inclusive',
  ]);

  t.same(createProblems(edited(csiStorageCapacity(), (o) => set(o, 'capacity', '-1Gi'))), ['capacity: Invalid value: "-1Gi": must be greater than or equal to 0']);
  const capacity = stored(csiStorageCapacity());
  t.same(updateProblems(edited(capacity, (o) => set(o, 'storageClassName', 'other')), capacity), ['storageClassName: Invalid value: "other": field is immutable']);
  t.same(updateProblems(edited(capacity, (o) => set(o, 'capacity', '50Gi')), capacity), [], 'capacity may change');

  t.same(createProblems(edited(volumeAttributesClass(), (o) => unset(o, 'parameters'))), ['parameters: Required value: must contain at least one key/value pair']);
  const vac = stored(volumeAttributesClass());
  t.same(updateProblems(edited(vac, (o) => set(o, 'driverName', 'other.example.com')), vac), ['driverName: Forbidden: updates to driverName are forbidden.']);
});

t.test('ServiceCIDR and IPAddress', async (t) => {
  t.same(createProblems(serviceCIDR()), []);
  t.same(createProblems(edited(serviceCIDR(), (o) => set(o, 'spec.cidrs', []))), ['spec.cidrs: Required value: at least one CIDR required']);
  t.same(createProblems(edited(serviceCIDR(), (o) => set(o, 'spec.cidrs', ['10.0.0.0/24', '10.1.0.0/24']))), [
    'spec.cidrs: Invalid value: networking.ServiceCIDRSpec{CIDRs:[]string{"10.0.0.0/24", "10.1.0.0/24"}}: may specify no more than one IP for each IP family, i.e 192.168.0.0/24 and 2001:db8::/64',
  ]);
  t.same(createProblems(edited(serviceCIDR(), (o) => set(o, 'spec.cidrs', ['10.0.0.0/33']))), ['spec.cidrs[0]: Invalid value: "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)']);
  const cidr = stored(serviceCIDR());
  t.same(updateProblems(edited(cidr, (o) => set(o, 'spec.cidrs', ['10.201.0.0/24'])), cidr), ['spec.cidrs: Invalid value: ["10.201.0.0/24"]: field is immutable']);
  t.same(createProblems(ipAddress()), []);
  t.same(createProblems(edited(ipAddress(), (o) => set(o, 'metadata.name', 'not-an-ip'))), ['metadata.name: Invalid value: "not-an-ip": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']);
  t.same(createProblems(edited(ipAddress(), (o) => unset(o, 'spec.parentRef'))), ['spec.parentRef: Required value']);
  t.same(createProblems(edited(ipAddress(), (o) => set(o, 'spec.parentRef.resource', ''))), ['spec.parentRef.resource: Required value']);
});

t.test('ResourceQuota and LimitRange', async (t) => {
  t.same(createProblems(resourceQuota()), []);
  t.same(createProblems(edited(resourceQuota(), (o) => set(o, 'spec.hard.widgets', '1'))), ['spec.hard[widgets]: Invalid value: "widgets": must be a standard resource type or fully qualified']);
  t.same(createProblems(edited(resourceQuota(), (o) => set(o, 'spec.hard.storage', '1'))), ['spec.hard[storage]: Invalid value: "storage": must be a standard resource for quota']);
  t.same(createProblems(edited(resourceQuota(), (o) => set(o, 'spec.hard.pods', '1500m'))), ['spec.hard[pods]: Invalid value: 1500m: must be an integer']);
  t.same(createProblems(edited(resourceQuota(), (o) => set(o, 'spec.hard', { pods: '-1' }))), ['spec.hard[pods]: Invalid value: "-1": must be greater than or equal to 0']);
  t.same(createProblems(edited(resourceQuota(), (o) => set(o, 'spec', { hard: { pods: '1' }, scopes: ['BestEffort', 'NotBestEffort'] }))), [
    'spec.scopes: Invalid value: []core.ResourceQuotaScope{"BestEffort", "NotBestEffort"}: conflicting scopes',
  ]);
  const quota = stored(resourceQuota());
  t.same(updateProblems(edited(quota, (o) => set(o, 'spec.scopes', ['NotTerminating'])), quota), ['spec.scopes: Invalid value: []core.ResourceQuotaScope{"NotTerminating"}: field is immutable']);

  t.same(createProblems(limitRange()), []);
  t.same(createProblems(edited(limitRange(), (o) => set(o, 'spec.limits[0].maxLimitRequestRatio.cpu', '500m'))), ['spec.limits[0].maxLimitRequestRatio[cpu]: Invalid value: 500m: ratio 500m is less than 1']);
  t.same(createProblems(edited(limitRange(), (o) => set(o, 'spec.limits[0].defaultRequest.cpu', '3'))), [
    'spec.limits[0].defaultRequest[cpu]: Invalid value: 3: default request value 3 is greater than max value 2',
    'spec.limits[0].defaultRequest[cpu]: Invalid value: 3: default request value 3 is greater than default limit value 500m',
  ]);
  t.same(createProblems(edited(limitRange(), (o) => set(o, 'spec.limits[0].type', 'Pod'))), [
    "spec.limits[0].default: Forbidden: may not be specified when `type` is 'Pod'",
    "spec.limits[0].defaultRequest: Forbidden: may not be specified when `type` is 'Pod'",
  ]);
  t.same(createProblems(edited(limitRange(), (o) => set(o, 'spec.limits[1]', { type: 'Container' }))), ['spec.limits[1].type: Duplicate value: "Container"']);
  t.same(createProblems({ ...limitRange(), spec: { limits: [{ type: 'PersistentVolumeClaim' }] } }), [
    'spec.limits[0].limits: Required value: either minimum or maximum storage value is required, but neither was provided',
  ]);
  const defaulted = stored({ ...limitRange(), spec: { limits: [{ type: 'Container', max: { memory: '1Gi' }, min: { memory: '64Mi' } }] } });
  t.same((defaulted.spec as { limits: Obj[] }).limits[0], { type: 'Container', max: { memory: '1Gi' }, min: { memory: '64Mi' }, default: { memory: '1Gi' }, defaultRequest: { memory: '1Gi' } }, 'defaults from max');
});
