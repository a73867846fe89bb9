// Table rows of the storage, networking and namespace-policy kinds, as Kubernetes' printers
// (pkg/printers/internalversion) build them: columns, wide columns and cell formats.
import t from 'tap';
import { tableColumns } from '../lib/api/tables/index.js';
import { cells, created, info, names } from './helpers/table-rows.js';

t.test('ResourceQuotas: used/hard pairs, limits in their own column', async (t) => {
  const quotas = info('', 'v1', 'resourcequotas');
  t.same(names(tableColumns(quotas), true), ['Name', 'Request', 'Limit', 'Age']);
  const quota = { metadata: { name: 'compute', ...created }, status: { hard: { pods: '10', 'requests.cpu': '2', 'limits.memory': '4Gi' }, used: { pods: '3', 'limits.memory': '1Gi' } } };
  t.same(cells(quotas, quota), ['compute', 'pods: 3/10, requests.cpu: 0/2', 'limits.memory: 1Gi/4Gi', '60m']);
});

t.test('PersistentVolumes and claims', async (t) => {
  const pvs = info('', 'v1', 'persistentvolumes');
  t.same(names(tableColumns(pvs), false), ['Name', 'Capacity', 'Access Modes', 'Reclaim Policy', 'Status', 'Claim', 'StorageClass', 'VolumeAttributesClass', 'Reason', 'Age']);
  t.same(names(tableColumns(pvs), true).at(-1), 'VolumeMode');
  const pv = {
    metadata: { name: 'pv-1', ...created },
    spec: { capacity: { storage: '10Gi' }, accessModes: ['ReadWriteMany', 'ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', claimRef: { namespace: 'default', name: 'data' }, storageClassName: 'standard', volumeMode: 'Filesystem' },
    status: { phase: 'Bound' },
  };
  t.same(cells(pvs, pv), ['pv-1', '10Gi', 'RWO,RWX', 'Retain', 'Bound', 'default/data', 'standard', '<unset>', '', '60m', 'Filesystem']);
  t.equal(cells(pvs, { ...pv, metadata: { ...pv.metadata, deletionTimestamp: '2024-05-01T11:59:00Z' } })[4], 'Terminating');

  const pvcs = info('', 'v1', 'persistentvolumeclaims');
  t.same(names(tableColumns(pvcs), false), ['Name', 'Status', 'Volume', 'Capacity', 'Access Modes', 'StorageClass', 'VolumeAttributesClass', 'Age']);
  const pending = { metadata: { name: 'data', ...created }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'standard' }, status: { phase: 'Pending' } };
  t.same(cells(pvcs, pending), ['data', 'Pending', '', '', '', 'standard', '<unset>', '60m', '<unset>'], 'capacity and modes only once bound');
  const bound = { ...pending, spec: { ...pending.spec, volumeName: 'pv-1', volumeMode: 'Filesystem' }, status: { phase: 'Bound', capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce'] } };
  t.same(cells(pvcs, bound), ['data', 'Bound', 'pv-1', '10Gi', 'RWO', 'standard', '<unset>', '60m', 'Filesystem']);
  const annotated = { ...pending, metadata: { ...pending.metadata, annotations: { 'volume.beta.kubernetes.io/storage-class': 'legacy' } } };
  t.equal(cells(pvcs, annotated)[5], 'legacy', 'the beta annotation names the class first');
});

t.test('storage.k8s.io kinds', async (t) => {
  const classes = info('storage.k8s.io', 'v1', 'storageclasses');
  t.same(names(tableColumns(classes), true), ['Name', 'Provisioner', 'ReclaimPolicy', 'VolumeBindingMode', 'AllowVolumeExpansion', 'Age']);
  t.same(cells(classes, { metadata: { name: 'standard', ...created, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'rancher.io/local-path' }), [
    'standard (default)',
    'rancher.io/local-path',
    'Delete',
    'Immediate',
    false,
    '60m',
  ]);
  const drivers = info('storage.k8s.io', 'v1', 'csidrivers');
  t.same(names(tableColumns(drivers), true), ['Name', 'AttachRequired', 'PodInfoOnMount', 'StorageCapacity', 'TokenRequests', 'RequiresRepublish', 'Modes', 'Age']);
  t.same(cells(drivers, { metadata: { name: 'd', ...created }, spec: { attachRequired: false, volumeLifecycleModes: ['Persistent', 'Ephemeral'], tokenRequests: [{ audience: 'vault' }] } }), [
    'd',
    false,
    false,
    false,
    'vault',
    false,
    'Persistent,Ephemeral',
    '60m',
  ]);
  t.same(cells(info('storage.k8s.io', 'v1', 'csinodes'), { metadata: { name: 'n1', ...created }, spec: { drivers: [{ name: 'a', nodeID: 'n1' }] } }), ['n1', 1, '60m']);
  const attachments = info('storage.k8s.io', 'v1', 'volumeattachments');
  t.same(names(tableColumns(attachments), true), ['Name', 'Attacher', 'PV', 'Node', 'Attached', 'Age']);
  t.same(cells(attachments, { metadata: { name: 'va', ...created }, spec: { attacher: 'd', nodeName: 'n1', source: { persistentVolumeName: 'pv-1' } }, status: { attached: true } }), ['va', 'd', 'pv-1', 'n1', true, '60m']);
  const capacities = info('storage.k8s.io', 'v1', 'csistoragecapacities');
  t.same(names(tableColumns(capacities), true), ['Name', 'StorageClassName', 'Capacity'], 'no age column, as in Kubernetes');
  t.same(cells(capacities, { metadata: { name: 'c', ...created }, storageClassName: 'standard' }), ['c', 'standard', '<unset>']);
  t.same(cells(info('storage.k8s.io', 'v1', 'volumeattributesclasses'), { metadata: { name: 'gold', ...created }, driverName: 'd' }), ['gold', 'd', '60m']);
});

t.test('networking.k8s.io kinds', async (t) => {
  const ingresses = info('networking.k8s.io', 'v1', 'ingresses');
  t.same(names(tableColumns(ingresses), true), ['Name', 'Class', 'Hosts', 'Address', 'Ports', 'Age']);
  const rules = ['a.example.com', 'b.example.com', 'c.example.com', 'd.example.com'].map((host) => ({ host }));
  t.same(
    cells(ingresses, {
      metadata: { name: 'web', ...created },
      spec: { ingressClassName: 'nginx', rules, tls: [{ hosts: ['a.example.com'] }] },
      status: { loadBalancer: { ingress: [{ ip: '10.0.0.2' }, { hostname: 'lb.example.com' }] } },
    }),
    ['web', 'nginx', 'a.example.com,b.example.com,c.example.com + 1 more...', '10.0.0.2,lb.example.com', '80, 443', '60m'],
  );
  t.same(cells(ingresses, { metadata: { name: 'bare', ...created }, spec: { defaultBackend: { service: { name: 'web', port: { number: 80 } } } } }), ['bare', '<none>', '*', '', '80', '60m']);
  const classes = info('networking.k8s.io', 'v1', 'ingressclasses');
  t.same(cells(classes, { metadata: { name: 'nginx', ...created }, spec: { controller: 'k8s.io/ingress-nginx', parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'external-lb' } } }), [
    'nginx',
    'k8s.io/ingress-nginx',
    'IngressParameters.k8s.example.com/external-lb',
    '60m',
  ]);
  const policies = info('networking.k8s.io', 'v1', 'networkpolicies');
  t.same(cells(policies, { metadata: { name: 'deny', ...created }, spec: { podSelector: {} } }), ['deny', '<none>', '60m']);
  t.same(cells(policies, { metadata: { name: 'web', ...created }, spec: { podSelector: { matchLabels: { app: 'web' } } } }), ['web', 'app=web', '60m']);
  t.same(cells(info('networking.k8s.io', 'v1', 'servicecidrs'), { metadata: { name: 'kubernetes', ...created }, spec: { cidrs: ['10.96.0.0/12', 'fd00::/108'] } }), ['kubernetes', '10.96.0.0/12,fd00::/108', '60m']);
  const addresses = info('networking.k8s.io', 'v1', 'ipaddresses');
  t.same(names(tableColumns(addresses), true), ['Name', 'ParentRef']);
  t.same(cells(addresses, { metadata: { name: '10.96.0.1', ...created }, spec: { parentRef: { group: '', resource: 'services', namespace: 'default', name: 'kubernetes' } } }), ['10.96.0.1', 'services/default/kubernetes', '60m']);
});
