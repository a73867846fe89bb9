// The apiserver's object semantics a Kubernetes user relies on, through the HTTP surface:
// server-managed metadata, subresources, deletion, allocation and paging.
import t from 'tap';
import { injectServer, type InjectServer } from './helpers/inject-server.js';

interface Obj {
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid: string;
    resourceVersion: string;
    generation?: number;
    creationTimestamp: string;
    deletionTimestamp?: string;
    deletionGracePeriodSeconds?: number;
    finalizers?: string[];
    labels?: Record<string, string>;
  };
  spec?: Record<string, unknown> & { nodeName?: string; replicas?: number; clusterIP?: string; ports?: { port: number; nodePort?: number }[] };
  status?: Record<string, unknown> & { conditions?: { type: string; status: string }[]; replicas?: number };
  items?: Obj[];
  [k: string]: unknown;
}

let server: InjectServer;
t.beforeEach(async () => {
  server = await injectServer();
});
t.afterEach(() => server.close());

async function call(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown, contentType?: string): Promise<{ code: number; body: Obj; headers: Record<string, unknown> }> {
  const headers: Record<string, string> = { ...server.auth };
  if (contentType) headers['content-type'] = contentType;
  const res = await server.app.inject({ method, url, headers, payload: payload as string | object | undefined });
  return { code: res.statusCode, body: res.body ? (JSON.parse(res.body) as Obj) : ({} as Obj), headers: res.headers };
}

const PODS = '/api/v1/namespaces/default/pods';
const DEPLOYMENTS = '/apis/apps/v1/namespaces/default/deployments';
const CONFIGMAPS = '/api/v1/namespaces/default/configmaps';
const SERVICES = '/api/v1/namespaces/default/services';

const pod = (name: string, extra: Record<string, unknown> = {}) => ({ metadata: { name }, spec: { containers: [{ name: 'app', image: 'busybox' }], ...extra } });
const deployment = (name: string) => ({
  metadata: { name },
  spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'nginx' }] } } },
});

t.test('create fills server-managed metadata; generateName and dryRun', async (t) => {
  const created = await call('POST', CONFIGMAPS, { metadata: { generateName: 'cfg-', uid: 'forged', resourceVersion: '999' }, data: { a: 'b' } });
  t.equal(created.code, 201);
  t.match(created.body.metadata.name, /^cfg-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  t.match(created.body.metadata.uid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  t.not(created.body.metadata.uid, 'forged');
  t.match(created.body.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  t.not(created.body.metadata.resourceVersion, '999');

  const dry = await call('POST', `${CONFIGMAPS}?dryRun=All`, { metadata: { name: 'dry' } });
  t.equal(dry.code, 201);
  t.equal(dry.body.metadata.name, 'dry');
  t.equal((await call('GET', `${CONFIGMAPS}/dry`)).code, 404, 'a dry run stores nothing');
  t.equal((await call('POST', `${CONFIGMAPS}?dryRun=Some`, { metadata: { name: 'x' } })).code, 400);
});

t.test('generation counts spec changes only; status goes through /status', async (t) => {
  const created = await call('POST', DEPLOYMENTS, deployment('web'));
  t.equal(created.body.metadata.generation, 1);
  const labelled = await call('PATCH', `${DEPLOYMENTS}/web`, { metadata: { labels: { tier: 'front' } } }, 'application/merge-patch+json');
  t.equal(labelled.body.metadata.generation, 1, 'a label change leaves generation alone');
  const scaled = await call('PATCH', `${DEPLOYMENTS}/web`, { spec: { replicas: 3 } }, 'application/merge-patch+json');
  t.equal(scaled.body.metadata.generation, 2, 'a spec change bumps it');

  const ignored = await call('PATCH', `${DEPLOYMENTS}/web`, { status: { replicas: 7 } }, 'application/merge-patch+json');
  t.equal(ignored.body.status?.replicas, undefined, 'the main resource cannot write status');
  const status = await call('PATCH', `${DEPLOYMENTS}/web/status`, { status: { replicas: 3, observedGeneration: 2 }, spec: { replicas: 9 } }, 'application/merge-patch+json');
  t.equal(status.code, 200);
  t.equal(status.body.status?.replicas, 3);
  t.equal(status.body.spec?.replicas, 3, '/status cannot write spec');
  t.equal(status.body.metadata.generation, 2);

  const noop = await call('PATCH', `${DEPLOYMENTS}/web`, { spec: { replicas: 3 } }, 'application/merge-patch+json');
  t.equal(noop.body.metadata.resourceVersion, status.body.metadata.resourceVersion, 'a no-op write keeps the resourceVersion');
});

t.test('finalizers hold deletion until they are removed', async (t) => {
  await call('POST', CONFIGMAPS, { metadata: { name: 'held', finalizers: ['example.com/hold'] } });
  const deleting = await call('DELETE', `${CONFIGMAPS}/held`);
  t.equal(deleting.code, 202);
  t.ok(deleting.body.metadata.deletionTimestamp);
  t.equal((await call('GET', `${CONFIGMAPS}/held`)).code, 200, 'still there');
  const added = await call('PATCH', `${CONFIGMAPS}/held`, { metadata: { finalizers: ['example.com/hold', 'another'] } }, 'application/merge-patch+json');
  t.equal(added.code, 422, 'no new finalizers while deleting');
  const released = await call('PATCH', `${CONFIGMAPS}/held`, { metadata: { finalizers: null } }, 'application/merge-patch+json');
  t.equal(released.code, 200);
  t.equal((await call('GET', `${CONFIGMAPS}/held`)).code, 404, 'removing the last finalizer finished the deletion');
});

t.test('propagationPolicy leaves the garbage collector its finalizer', async (t) => {
  await call('POST', DEPLOYMENTS, deployment('fg'));
  const fg = await call('DELETE', `${DEPLOYMENTS}/fg`, { propagationPolicy: 'Foreground' }, 'application/json');
  t.equal(fg.code, 202);
  t.same(fg.body.metadata.finalizers, ['foregroundDeletion']);
  await call('POST', DEPLOYMENTS, deployment('orphan'));
  const orphan = await call('DELETE', `${DEPLOYMENTS}/orphan?propagationPolicy=Orphan`);
  t.same(orphan.body.metadata.finalizers, ['orphan']);
  await call('POST', DEPLOYMENTS, deployment('bg'));
  const bg = await call('DELETE', `${DEPLOYMENTS}/bg`, { propagationPolicy: 'Background' }, 'application/json');
  t.equal(bg.code, 200, 'background deletion is immediate');
});

t.test('pods on a node get a grace period; binding assigns them once', async (t) => {
  await call('POST', PODS, pod('unbound'));
  t.equal((await call('DELETE', `${PODS}/unbound`)).code, 200, 'an unscheduled pod goes at once');

  await call('POST', PODS, pod('bound', { terminationGracePeriodSeconds: 45 }));
  const binding = await call('POST', `${PODS}/bound/binding`, { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bound' }, target: { kind: 'Node', name: 'node-1' } });
  t.equal(binding.code, 201);
  const bound = await call('GET', `${PODS}/bound`);
  t.equal(bound.body.spec?.nodeName, 'node-1');
  t.match(bound.body.status?.conditions, [{ type: 'PodScheduled', status: 'True' }]);
  const again = await call('POST', `${PODS}/bound/binding`, { target: { name: 'node-2' } });
  t.equal(again.code, 409, 'a bound pod cannot be bound again');

  const graceful = await call('DELETE', `${PODS}/bound`);
  t.equal(graceful.code, 202);
  t.equal(graceful.body.metadata.deletionGracePeriodSeconds, 45);
  const forced = await call('DELETE', `${PODS}/bound?gracePeriodSeconds=0`);
  t.equal(forced.code, 200);
  t.equal((await call('GET', `${PODS}/bound`)).code, 404);
});

t.test('the scale subresource reads and writes replicas', async (t) => {
  await call('POST', DEPLOYMENTS, deployment('scaled'));
  const scale = await call('GET', `${DEPLOYMENTS}/scaled/scale`);
  t.match(scale.body, { kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 1 }, status: { selector: 'app=scaled' } });
  const patched = await call('PATCH', `${DEPLOYMENTS}/scaled/scale`, { spec: { replicas: 4 } }, 'application/merge-patch+json');
  t.equal(patched.body.spec?.replicas, 4);
  t.equal((await call('GET', `${DEPLOYMENTS}/scaled`)).body.spec?.replicas, 4);
  const negative = await call('PUT', `${DEPLOYMENTS}/scaled/scale`, { kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: 'scaled' }, spec: { replicas: -1 } });
  t.equal(negative.code, 422);
});

t.test('services: cluster IPs from the CIDR, node ports from their range, a taken port is 422', async (t) => {
  const plain = await call('POST', SERVICES, { metadata: { name: 'plain' }, spec: { ports: [{ port: 80 }] } });
  t.equal(plain.code, 201);
  const ip = String(plain.body.spec?.clusterIP).split('.').map(Number);
  t.ok(ip[0] === 10 && ip[1]! >= 96 && ip[1]! <= 111, `${plain.body.spec?.clusterIP} is in 10.96.0.0/12`);
  const headless = await call('POST', SERVICES, { metadata: { name: 'headless' }, spec: { clusterIP: 'None', ports: [{ port: 80 }] } });
  t.equal(headless.body.spec?.clusterIP, 'None');

  const np = await call('POST', SERVICES, { metadata: { name: 'np' }, spec: { type: 'NodePort', ports: [{ name: 'a', port: 80, nodePort: 30080 }, { name: 'b', port: 81 }] } });
  t.equal(np.code, 201);
  const allocated = np.body.spec?.ports?.[1]?.nodePort ?? 0;
  t.ok(allocated >= 30000 && allocated <= 32767, `allocated ${allocated}`);
  const taken = await call('POST', SERVICES, { metadata: { name: 'np2' }, spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] } });
  t.equal(taken.code, 422);
  t.match(taken.body.message, 'spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated');
  const outside = await call('POST', SERVICES, { metadata: { name: 'np3' }, spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] } });
  t.equal(outside.code, 422);
  const sameIp = await call('POST', SERVICES, { metadata: { name: 'copy' }, spec: { clusterIP: plain.body.spec?.clusterIP, ports: [{ port: 80 }] } });
  t.equal(sameIp.code, 422, 'a cluster IP is handed out once');

  t.equal((await call('DELETE', `${SERVICES}/np`)).code, 200);
  const reused = await call('POST', SERVICES, { metadata: { name: 'np4' }, spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] } });
  t.equal(reused.code, 201, 'deleting the service released its port');

  const kubernetes = await call('GET', `${SERVICES}/kubernetes`);
  t.equal(kubernetes.body.spec?.clusterIP, '10.96.0.1', 'the kubernetes Service has the first address');
});

t.test('paged lists read one revision; remainingItemCount counts the rest', async (t) => {
  for (let i = 0; i < 5; i++) await call('POST', CONFIGMAPS, { metadata: { name: `page-${i}` } });
  const first = await call('GET', `${CONFIGMAPS}?limit=2`);
  t.equal(first.body.items?.length, 2);
  t.equal((first.body.metadata as unknown as { remainingItemCount: number }).remainingItemCount, 3);
  await call('POST', CONFIGMAPS, { metadata: { name: 'page-9-late' } });
  const names: string[] = first.body.items!.map((i) => i.metadata.name);
  let next = (first.body.metadata as unknown as { continue?: string }).continue;
  while (next) {
    const page = await call('GET', `${CONFIGMAPS}?limit=2&continue=${next}`);
    names.push(...page.body.items!.map((i) => i.metadata.name));
    t.equal(page.body.metadata.resourceVersion, first.body.metadata.resourceVersion, 'every page is read at the first page revision');
    next = (page.body.metadata as unknown as { continue?: string }).continue;
  }
  t.same(names, ['page-0', 'page-1', 'page-2', 'page-3', 'page-4'], 'the object created mid-list is not in it');
  t.equal((await call('GET', `${CONFIGMAPS}?continue=garbage`)).code, 400);
});

t.test('deletecollection removes what the selector matches', async (t) => {
  for (const [name, tier] of [['a', 'x'], ['b', 'x'], ['c', 'y']]) await call('POST', CONFIGMAPS, { metadata: { name, labels: { tier: tier! } } });
  const removed = await call('DELETE', `${CONFIGMAPS}?labelSelector=tier%3Dx`);
  t.equal(removed.code, 200);
  t.same(removed.body.items?.map((i) => i.metadata.name).sort(), ['a', 'b']);
  const left = await call('GET', CONFIGMAPS);
  t.same(left.body.items?.map((i) => i.metadata.name), ['c']);
});

t.test('a terminating namespace refuses new objects', async (t) => {
  await call('POST', '/api/v1/namespaces', { metadata: { name: 'going' } });
  const deleting = await call('DELETE', '/api/v1/namespaces/going');
  t.equal(deleting.code, 202);
  t.equal((deleting.body.status as { phase: string }).phase, 'Terminating');
  const refused = await call('POST', '/api/v1/namespaces/going/configmaps', { metadata: { name: 'late' } });
  t.equal(refused.code, 403);
  t.match(refused.body.message, 'unable to create new content in namespace going because it is being terminated');
});

t.test('tables for kubectl get, and metrics by verb, resource and code', async (t) => {
  await call('POST', CONFIGMAPS, { metadata: { name: 'shown' }, data: { a: '1', b: '2' } });
  const res = await server.app.inject({ method: 'GET', url: CONFIGMAPS, headers: { ...server.auth, accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' } });
  const table = JSON.parse(res.body) as { kind: string; columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] };
  t.equal(table.kind, 'Table');
  t.same(table.columnDefinitions.map((c) => c.name), ['Name', 'Data', 'Age']);
  t.match(table.rows[0]?.cells, ['shown', 2, /^\d+s$/]);

  const metrics = await server.app.inject({ method: 'GET', url: '/metrics', headers: server.auth });
  t.match(metrics.body, /apiserver_request_total\{verb="POST",group="",version="v1",resource="configmaps",subresource="",scope="namespace",code="201"[^}]*\} 1/);
  t.match(metrics.body, /apiserver_request_duration_seconds_bucket\{[^}]*verb="LIST"[^}]*resource="configmaps"[^}]*code="200"/);
});
