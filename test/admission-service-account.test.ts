// ServiceAccount admission through the real apiserver (inject): a new pod runs as "default"; once
// its ServiceAccount exists it gets the kube-api-access-<random> projected volume (bound token,
// kube-root-ca.crt's ca.crt, the namespace) mounted read-only at
// /var/run/secrets/kubernetes.io/serviceaccount in every container, unless the pod or the
// ServiceAccount turns automountServiceAccountToken off or the pod mounts that path itself.
import type { Pod } from 'kubernetes-types/core/v1.js';
import t from 'tap';
import { injectServer, type InjectServer } from './helpers/inject-server.js';

let server: InjectServer;

t.beforeEach(async () => {
  server = await injectServer();
});

t.afterEach(async () => {
  await server.close();
});

const MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

async function create(url: string, payload: Record<string, unknown>): Promise<{ statusCode: number; body: Pod }> {
  const r = await server.app.inject({ method: 'POST', url, headers: server.auth, payload });
  return { statusCode: r.statusCode, body: r.json() };
}

function pod(name: string, spec: Record<string, unknown> = {}): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { initContainers: [{ name: 'init', image: 'busybox' }], containers: [{ name: 'app', image: 'nginx:1.25' }], ...spec } };
}

const createPod = (body: Record<string, unknown>) => create('/api/v1/namespaces/default/pods', body);
const createAccount = (name: string, extra: Record<string, unknown> = {}) => create('/api/v1/namespaces/default/serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name }, ...extra });

t.test('without its ServiceAccount a pod is admitted as "default" and without the volume', async (t) => {
  const created = await createPod(pod('early'));
  t.equal(created.statusCode, 201);
  t.equal(created.body.spec?.serviceAccountName, 'default');
  t.same(created.body.spec?.volumes ?? [], []);
});

t.test('a pod gets the kube-api-access volume, mounted read-only in every container', async (t) => {
  t.equal((await createAccount('default')).statusCode, 201);
  const created = await createPod(pod('web'));
  t.equal(created.statusCode, 201);
  const volume = created.body.spec?.volumes?.[0];
  t.match(volume?.name, /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  t.same(volume?.projected, {
    defaultMode: 420,
    sources: [
      { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ],
  });
  for (const container of [...(created.body.spec?.initContainers ?? []), ...(created.body.spec?.containers ?? [])]) {
    t.same(container.volumeMounts, [{ name: volume?.name, readOnly: true, mountPath: MOUNT }], `in ${container.name}`);
  }
});

t.test('automountServiceAccountToken false on the pod or its ServiceAccount, or an own mount at the path, leaves the pod alone', async (t) => {
  t.equal((await createAccount('default')).statusCode, 201);
  t.equal((await createAccount('quiet', { automountServiceAccountToken: false })).statusCode, 201);
  t.same((await createPod(pod('off', { automountServiceAccountToken: false }))).body.spec?.volumes ?? [], [], 'the pod says no');
  t.same((await createPod(pod('quiet', { serviceAccountName: 'quiet' }))).body.spec?.volumes ?? [], [], 'its ServiceAccount says no');
  t.equal((await createPod(pod('loud', { serviceAccountName: 'quiet', automountServiceAccountToken: true }))).body.spec?.volumes?.length, 1, 'the pod overrides its ServiceAccount');
  const own = await createPod(pod('own', { volumes: [{ name: 'mine', emptyDir: {} }], containers: [{ name: 'app', image: 'nginx:1.25', volumeMounts: [{ name: 'mine', mountPath: MOUNT }] }] }));
  t.same(own.body.spec?.volumes?.map((v) => v.name), ['mine'], 'a pod that mounts the path itself');
});
