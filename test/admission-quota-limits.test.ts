// LimitRanger and ResourceQuota admission through the real apiserver (inject): containers get a
// LimitRange's defaults and are held to its min, max and ratio; claims to its storage bounds; a
// quota's status.used follows every create and delete in the namespace, in the same transaction,
// and a write that would exceed it is 403 with Kubernetes' message. Also DefaultStorageClass,
// StorageObjectInUseProtection (and a new volume's Pending phase) and DefaultIngressClass.
import t from 'tap';
import { type Body, injectEach } from './helpers/inject-each.js';

const { send } = injectEach(t);

function pod(name: string, resources?: Body, extra: Body = {}): Body {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'app', image: 'nginx:1.25', ...(resources ? { resources } : {}) }], ...extra } };
}

const createPod = (body: Body) => send('POST', '/api/v1/namespaces/default/pods', body);
const createRange = (spec: Body) => send('POST', '/api/v1/namespaces/default/limitranges', { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'limits' }, spec });
const createQuota = (name: string, spec: Body) => send('POST', '/api/v1/namespaces/default/resourcequotas', { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name }, spec });
const getQuota = async (name: string) => (await send('GET', `/api/v1/namespaces/default/resourcequotas/${name}`)).body;

function claim(name: string, storage: string, extra: Body = {}): Body {
  return { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage } }, ...extra } };
}

function resources(body: Body, index = 0): Body {
  return ((body.spec as { containers: Body[] }).containers[index]!.resources ?? {}) as Body;
}

t.test('LimitRanger: containers get the range defaults, noted on the pod', async (t) => {
  t.equal((await createRange({ limits: [{ type: 'Container', default: { cpu: '500m', memory: '256Mi' }, defaultRequest: { cpu: '100m' } }] })).statusCode, 201);
  const plain = await createPod(pod('plain'));
  t.equal(plain.statusCode, 201);
  t.same(resources(plain.body), { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m', memory: '256Mi' } }, 'the memory request defaults to the default limit');
  t.equal(
    (plain.body.metadata as { annotations: Record<string, string> }).annotations['kubernetes.io/limit-ranger'],
    'LimitRanger plugin set: cpu, memory request for container app; cpu, memory limit for container app',
  );
  const own = await createPod(pod('own', { limits: { cpu: '1' }, requests: { cpu: '1' } }));
  t.same(resources(own.body), { limits: { cpu: '1', memory: '256Mi' }, requests: { cpu: '1', memory: '256Mi' } }, 'what the container states stays');
});

t.test('LimitRanger: min, max and the limit/request ratio, in Kubernetes words', async (t) => {
  t.equal((await createRange({ limits: [{ type: 'Container', max: { cpu: '2' }, min: { cpu: '200m' }, maxLimitRequestRatio: { cpu: '4' } }] })).statusCode, 201);
  const big = await createPod(pod('big', { limits: { cpu: '3' }, requests: { cpu: '1' } }));
  t.equal(big.statusCode, 403);
  t.equal(big.body.reason, 'Forbidden');
  t.equal(big.body.message, 'pods "big" is forbidden: maximum cpu usage per Container is 2, but limit is 3');
  const small = await createPod(pod('small', { limits: { cpu: '1' }, requests: { cpu: '100m' } }));
  t.equal(small.body.message, 'pods "small" is forbidden: [minimum cpu usage per Container is 200m, but request is 100m, cpu max limit to request ratio per Container is 4, but provided ratio is 10.000000]');
  const defaulted = await createPod(pod('defaulted'));
  t.equal(defaulted.statusCode, 201, 'the max becomes the default limit, and the default limit the default request');
  t.same(resources(defaulted.body), { limits: { cpu: '2' }, requests: { cpu: '2' } });
  const ratio = await createPod(pod('ratio', { limits: { cpu: '2' }, requests: { cpu: '250m' } }));
  t.equal(ratio.body.message, 'pods "ratio" is forbidden: cpu max limit to request ratio per Container is 4, but provided ratio is 8.000000');
});

t.test('LimitRanger: pod totals and claim storage', async (t) => {
  t.equal(
    (
      await createRange({
        limits: [
          { type: 'Pod', max: { memory: '1Gi' } },
          { type: 'PersistentVolumeClaim', min: { storage: '1Gi' }, max: { storage: '10Gi' } },
        ],
      })
    ).statusCode,
    201,
  );
  const two = pod('two', undefined);
  (two.spec as { containers: Body[] }).containers = [
    { name: 'a', image: 'nginx', resources: { limits: { memory: '600Mi' } } },
    { name: 'b', image: 'nginx', resources: { limits: { memory: '600Mi' } } },
  ];
  const r = await createPod(two);
  t.equal(r.body.message, 'pods "two" is forbidden: maximum memory usage per Pod is 1Gi, but limit is 1200Mi');
  t.equal((await send('POST', '/api/v1/namespaces/default/persistentvolumeclaims', claim('tiny', '500Mi'))).body.message, 'persistentvolumeclaims "tiny" is forbidden: minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 500Mi');
  t.equal((await send('POST', '/api/v1/namespaces/default/persistentvolumeclaims', claim('huge', '20Gi'))).body.message, 'persistentvolumeclaims "huge" is forbidden: maximum storage usage per PersistentVolumeClaim is 10Gi, but request is 20Gi');
  t.equal((await send('POST', '/api/v1/namespaces/default/persistentvolumeclaims', claim('fine', '5Gi'))).statusCode, 201);
});

t.test('ResourceQuota: status counts what exists, follows creates and deletes, and refuses the excess', async (t) => {
  // 1. two configmaps exist before the quota
  for (const name of ['one', 'two']) t.equal((await send('POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } })).statusCode, 201);
  // 2. the quota counts them when it is created
  const created = await createQuota('objects', { hard: { configmaps: '3', 'count/secrets': '1', pods: '2' } });
  t.equal(created.statusCode, 201);
  t.same(created.body.status, { hard: { configmaps: '3', 'count/secrets': '1', pods: '2' }, used: { configmaps: '2', 'count/secrets': '0', pods: '0' } });
  // 3. a third configmap fits; a fourth does not
  t.equal((await send('POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'three' } })).statusCode, 201);
  t.same(((await getQuota('objects')).status as Body).used, { configmaps: '3', 'count/secrets': '0', pods: '0' }, 'counted in the same write');
  const fourth = await send('POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'four' } });
  t.equal(fourth.statusCode, 403);
  t.equal(fourth.body.message, 'configmaps "four" is forbidden: exceeded quota: objects, requested: configmaps=1, used: configmaps=3, limited: configmaps=3');
  t.equal((await send('GET', '/api/v1/namespaces/default/configmaps/four')).statusCode, 404, 'nothing half-written');
  // 4. deleting one frees its place
  t.equal((await send('DELETE', '/api/v1/namespaces/default/configmaps/one')).statusCode, 200);
  t.same(((await getQuota('objects')).status as Body).used, { configmaps: '2', 'count/secrets': '0', pods: '0' });
  t.equal((await send('POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'four' } })).statusCode, 201);
  // 5. object counts of any resource
  t.equal((await send('POST', '/api/v1/namespaces/default/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's1' } })).statusCode, 201);
  const s2 = await send('POST', '/api/v1/namespaces/default/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's2' } });
  t.equal(s2.body.message, 'secrets "s2" is forbidden: exceeded quota: objects, requested: count/secrets=1, used: count/secrets=1, limited: count/secrets=1');
});

t.test('ResourceQuota: compute resources of pods and storage of claims', async (t) => {
  t.equal((await createQuota('compute', { hard: { 'requests.cpu': '1', 'limits.memory': '1Gi', 'requests.storage': '5Gi', persistentvolumeclaims: '2' } })).statusCode, 201);
  const bare = await createPod(pod('bare'));
  t.equal(bare.statusCode, 403);
  t.equal(bare.body.message, 'pods "bare" is forbidden: failed quota: compute: must specify limits.memory for: app; requests.cpu for: app');
  t.equal((await createPod(pod('a', { requests: { cpu: '600m' }, limits: { memory: '512Mi' } }))).statusCode, 201);
  const b = await createPod(pod('b', { requests: { cpu: '600m' }, limits: { memory: '512Mi' } }));
  t.equal(b.body.message, 'pods "b" is forbidden: exceeded quota: compute, requested: requests.cpu=600m, used: requests.cpu=600m, limited: requests.cpu=1');
  t.same(((await getQuota('compute')).status as Body).used, { 'limits.memory': '512Mi', persistentvolumeclaims: '0', 'requests.cpu': '600m', 'requests.storage': '0' });
  t.equal((await send('POST', '/api/v1/namespaces/default/persistentvolumeclaims', claim('data', '4Gi'))).statusCode, 201);
  const more = await send('POST', '/api/v1/namespaces/default/persistentvolumeclaims', claim('more', '2Gi'));
  t.equal(more.body.message, 'persistentvolumeclaims "more" is forbidden: exceeded quota: compute, requested: requests.storage=2Gi, used: requests.storage=4Gi, limited: requests.storage=5Gi');
  // A claim being deleted (held by its protection finalizer) no longer counts.
  t.equal((await send('DELETE', '/api/v1/namespaces/default/persistentvolumeclaims/data')).statusCode, 202, 'accepted: the finalizer holds it');
  t.same(((await getQuota('compute')).status as Body).used, { 'limits.memory': '512Mi', persistentvolumeclaims: '0', 'requests.cpu': '600m', 'requests.storage': '0' });
});

t.test('ResourceQuota: scopes select the pods a quota counts', async (t) => {
  t.equal((await createQuota('best-effort', { hard: { pods: '1' }, scopes: ['BestEffort'] })).statusCode, 201);
  t.equal((await createPod(pod('be-1'))).statusCode, 201);
  const second = await createPod(pod('be-2'));
  t.equal(second.body.message, 'pods "be-2" is forbidden: exceeded quota: best-effort, requested: pods=1, used: pods=1, limited: pods=1');
  t.equal((await createPod(pod('burstable', { requests: { cpu: '100m' } }))).statusCode, 201, 'a pod with requests is not BestEffort');
});

t.test('DefaultStorageClass and StorageObjectInUseProtection', async (t) => {
  const sc = (name: string, isDefault: boolean) =>
    send('POST', '/apis/storage.k8s.io/v1/storageclasses', {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name, ...(isDefault ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } : {}) },
      provisioner: 'example.com/hostpath',
    });
  t.equal((await sc('slow', false)).statusCode, 201);
  const none = await send('POST', '/api/v1/namespaces/default/persistentvolumeclaims', claim('before', '1Gi'));
  t.equal((none.body.spec as Body).storageClassName, undefined, 'no default class, no class');
  t.same((none.body.metadata as Body).finalizers, ['kubernetes.io/pvc-protection']);
  t.equal((await sc('fast', true)).statusCode, 201);
  const defaulted = await send('POST', '/api/v1/namespaces/default/persistentvolumeclaims', claim('after', '1Gi'));
  t.equal((defaulted.body.spec as Body).storageClassName, 'fast');
  const explicit = await send('POST', '/api/v1/namespaces/default/persistentvolumeclaims', claim('explicit', '1Gi', { storageClassName: '' }));
  t.equal((explicit.body.spec as Body).storageClassName, '', 'an explicit empty class stays');
  const pv = await send('POST', '/api/v1/persistentvolumes', {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: 'pv-1' },
    spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data' } },
  });
  t.same((pv.body.metadata as Body).finalizers, ['kubernetes.io/pv-protection']);
  t.equal((pv.body.status as Body).phase, 'Pending');
  t.equal((pv.body.status as Body).lastPhaseTransitionTime, (pv.body.metadata as Body).creationTimestamp, 'the phase began when the volume was created');
  // Deleting a protected claim marks it; it stays until its finalizer is removed.
  t.equal((await send('DELETE', '/api/v1/namespaces/default/persistentvolumeclaims/after')).statusCode, 202);
  const terminating = await send('GET', '/api/v1/namespaces/default/persistentvolumeclaims/after');
  t.ok((terminating.body.metadata as Body).deletionTimestamp);
});

t.test('DefaultIngressClass', async (t) => {
  const ingress = (name: string, extra: Body = {}) =>
    send('POST', '/apis/networking.k8s.io/v1/namespaces/default/ingresses', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name },
      spec: { defaultBackend: { service: { name: 'web', port: { number: 80 } } }, ...extra },
    });
  t.equal(((await ingress('before')).body.spec as Body).ingressClassName, undefined);
  const cls = await send('POST', '/apis/networking.k8s.io/v1/ingressclasses', {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: { name: 'nginx', annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } },
    spec: { controller: 'example.com/ingress-nginx' },
  });
  t.equal(cls.statusCode, 201);
  t.equal(((await ingress('after')).body.spec as Body).ingressClassName, 'nginx');
  t.equal(((await ingress('other', { ingressClassName: 'haproxy' })).body.spec as Body).ingressClassName, 'haproxy');
});

