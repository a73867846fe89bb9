// pods/eviction through the real apiserver (inject): a budget's disruptions are spent in the same
// transaction as the pod's deletion, refusals are 429 with the DisruptionBudget cause, a stale
// budget (its controller has not seen the current spec) refuses, several budgets are a 500, pods
// not running are evicted regardless, and unhealthy pods follow unhealthyPodEvictionPolicy.
import t from 'tap';
import { injectServer, type InjectServer } from './helpers/inject-server.js';

let server: InjectServer;

t.beforeEach(async () => {
  server = await injectServer();
});

t.afterEach(async () => {
  await server.close();
});

const NS = '/api/v1/namespaces/default';
const PDBS = '/apis/policy/v1/namespaces/default/poddisruptionbudgets';

async function call(method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown, contentType?: string) {
  const headers = contentType ? { ...server.auth, 'content-type': contentType } : server.auth;
  return server.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
}

async function runningPod(name: string, labels: Record<string, string> = { app: 'web' }, ready = true): Promise<void> {
  const created = await call('POST', `${NS}/pods`, { metadata: { name, labels }, spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'nginx' }] } });
  if (created.statusCode !== 201) throw new Error(created.body);
  await call('PATCH', `${NS}/pods/${name}/status`, { status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] } }, 'application/merge-patch+json');
}

async function budget(name: string, status: Record<string, unknown>, spec: Record<string, unknown> = {}): Promise<void> {
  await call('POST', PDBS, { metadata: { name }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } }, ...spec } });
  const r = await call('PATCH', `${PDBS}/${name}/status`, { status: { observedGeneration: 1, ...status } }, 'application/merge-patch+json');
  if (r.statusCode !== 200) throw new Error(r.body);
}

function evict(name: string, apiVersion = 'policy/v1') {
  return call('POST', `${NS}/pods/${name}/eviction`, { apiVersion, kind: 'Eviction', metadata: { name } });
}

t.test('an allowed eviction deletes the pod and spends the disruption in the same write', async (t) => {
  await runningPod('web-a');
  await budget('web', { disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2 });
  const before = Number((await call('GET', `${PDBS}/web`)).json().metadata.resourceVersion);
  const r = await evict('web-a');
  t.equal(r.statusCode, 201);
  t.same(r.json(), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
  const pod = (await call('GET', `${NS}/pods/web-a`)).json();
  t.ok(pod.metadata.deletionTimestamp, 'a pod on a node terminates gracefully');
  t.match(pod.status.conditions, [{ type: 'Ready' }, { type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting' }]);
  const pdb = (await call('GET', `${PDBS}/web`)).json();
  t.equal(pdb.status.disruptionsAllowed, 0);
  t.ok(pdb.status.disruptedPods['web-a']);
  t.match(pdb.status.conditions, [{ type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods' }]);
  t.equal(Number(pdb.metadata.resourceVersion), Number(pod.metadata.resourceVersion), 'one transaction wrote both');
  t.ok(Number(pdb.metadata.resourceVersion) > before);
});

t.test('a spent budget refuses with 429 and says why', async (t) => {
  await runningPod('web-a');
  await budget('web', { disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1 });
  const r = await evict('web-a', 'policy/v1beta1');
  t.equal(r.statusCode, 429);
  t.same(r.json(), {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: "Cannot evict pod as it would violate the pod's disruption budget.",
    reason: 'TooManyRequests',
    details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web needs 1 healthy pods and has 1 currently' }] },
    code: 429,
  });
  t.notOk((await call('GET', `${NS}/pods/web-a`)).json().metadata.deletionTimestamp, 'the pod stays');
});

t.test('a budget whose controller has not seen its spec is still being processed', async (t) => {
  await runningPod('web-a');
  await budget('web', { disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1, observedGeneration: 0 });
  const r = await evict('web-a');
  t.equal(r.statusCode, 429);
  t.equal(r.json().details.causes[0].message, 'The disruption budget web is still being processed by the server.');
  t.equal(r.json().details.retryAfterSeconds, 10);
});

t.test('two evictions cannot both spend the last disruption', async (t) => {
  await runningPod('web-a');
  await runningPod('web-b');
  await budget('web', { disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1 });
  const results = await Promise.all([evict('web-a'), evict('web-b')]);
  t.same(results.map((r) => r.statusCode).sort(), [201, 429]);
});

t.test('several budgets for one pod are a 500', async (t) => {
  await runningPod('web-a');
  await budget('one', { disruptionsAllowed: 1 });
  await budget('two', { disruptionsAllowed: 1 });
  const r = await evict('web-a');
  t.equal(r.statusCode, 500);
  t.equal(r.json().message, 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
});

t.test('pods that are not running, or not covered, go without asking a budget', async (t) => {
  await call('POST', `${NS}/pods`, { metadata: { name: 'pending', labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx' }] } });
  await runningPod('other', { app: 'other' });
  await budget('web', { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 1 });
  t.equal((await evict('pending')).statusCode, 201);
  t.equal((await call('GET', `${NS}/pods/pending`)).statusCode, 404, 'an unscheduled pod is deleted at once');
  t.equal((await evict('other')).statusCode, 201);
});

t.test('unhealthy pods: AlwaysAllow evicts them, IfHealthyBudget only while the budget is healthy', async (t) => {
  await runningPod('sick', { app: 'web' }, false);
  await budget('web', { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 1 });
  t.equal((await evict('sick')).statusCode, 429);
  await call('PATCH', `${PDBS}/web`, { spec: { unhealthyPodEvictionPolicy: 'AlwaysAllow' } }, 'application/merge-patch+json');
  t.equal((await evict('sick')).statusCode, 201);
  t.equal((await call('GET', `${PDBS}/web`)).json().status.disruptionsAllowed, 0, 'an unhealthy pod spends no disruption');
});

t.test('the Eviction body must name the pod', async (t) => {
  await runningPod('web-a');
  const r = await call('POST', `${NS}/pods/web-a/eviction`, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'web-b' } });
  t.equal(r.statusCode, 400);
  t.equal(r.json().message, 'name in URL does not match name in Eviction object');
  t.equal((await evict('missing')).statusCode, 404);
});
