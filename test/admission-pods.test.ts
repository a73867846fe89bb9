// Priority and DefaultTolerationSeconds admission through the real apiserver (inject): a pod's
// priority comes from its PriorityClass, the global default or 0; unknown classes and disagreeing
// priorities are 403 as Kubernetes words them; only one class may be the global default; and new
// pods tolerate the not-ready and unreachable taints for 300 seconds unless they say otherwise.
import t from 'tap';
import { injectServer, type InjectServer } from './helpers/inject-server.js';

let server: InjectServer;

t.beforeEach(async () => {
  server = await injectServer();
});

t.afterEach(async () => {
  await server.close();
});

function pod(name: string, spec: Record<string, unknown> = {}): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'app', image: 'nginx:1.25' }], ...spec } };
}

async function createPod(body: Record<string, unknown>): Promise<{ statusCode: number; body: Record<string, unknown> }> {
  const r = await server.app.inject({ method: 'POST', url: '/api/v1/namespaces/default/pods', headers: server.auth, payload: body });
  return { statusCode: r.statusCode, body: r.json() };
}

async function createClass(name: string, value: number, extra: Record<string, unknown> = {}): Promise<number> {
  const r = await server.app.inject({
    method: 'POST',
    url: '/apis/scheduling.k8s.io/v1/priorityclasses',
    headers: server.auth,
    payload: { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, ...extra },
  });
  return r.statusCode;
}

function spec(body: Record<string, unknown>): Record<string, unknown> {
  return body.spec as Record<string, unknown>;
}

t.test('the system classes exist from the start', async (t) => {
  const r = await server.app.inject({ url: '/apis/scheduling.k8s.io/v1/priorityclasses', headers: server.auth });
  const items = (r.json() as { items: { metadata: { name: string }; value: number }[] }).items.map((i) => [i.metadata.name, i.value]);
  t.same(items, [
    ['system-cluster-critical', 2000000000],
    ['system-node-critical', 2000001000],
  ]);
});

t.test('a pod gets its class priority, the default class or 0', async (t) => {
  const plain = await createPod(pod('plain'));
  t.equal(plain.statusCode, 201);
  t.equal(spec(plain.body).priority, 0);
  t.equal(spec(plain.body).preemptionPolicy, 'PreemptLowerPriority');

  const critical = await createPod(pod('critical', { priorityClassName: 'system-node-critical' }));
  t.equal(spec(critical.body).priority, 2000001000);

  t.equal(await createClass('polite', 100, { preemptionPolicy: 'Never' }), 201);
  const polite = await createPod(pod('polite', { priorityClassName: 'polite' }));
  t.same([spec(polite.body).priority, spec(polite.body).preemptionPolicy], [100, 'Never']);

  t.equal(await createClass('everyone', 7, { globalDefault: true }), 201);
  const defaulted = await createPod(pod('defaulted'));
  t.same([spec(defaulted.body).priorityClassName, spec(defaulted.body).priority], ['everyone', 7]);
});

t.test('refusals are 403 with Kubernetes\' words', async (t) => {
  const unknown = await createPod(pod('lost', { priorityClassName: 'nope' }));
  t.equal(unknown.statusCode, 403);
  t.equal(unknown.body.message, 'pods "lost" is forbidden: no PriorityClass with name nope was found');

  const stated = await createPod(pod('bold', { priority: 5 }));
  t.equal(stated.statusCode, 403);
  t.equal(stated.body.message, 'pods "bold" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 0 from the given PriorityClass name');

  t.equal(await createClass('polite', 100, { preemptionPolicy: 'Never' }), 201);
  const policy = await createPod(pod('pushy', { priorityClassName: 'polite', preemptionPolicy: 'PreemptLowerPriority' }));
  t.equal(policy.statusCode, 403);
  t.equal(policy.body.message, 'pods "pushy" is forbidden: the string value of PreemptionPolicy (PreemptLowerPriority) must not be provided in pod spec; priority admission controller computed Never from the given PriorityClass name');
});

t.test('only one global default class', async (t) => {
  t.equal(await createClass('first', 10, { globalDefault: true }), 201);
  const second = await server.app.inject({
    method: 'POST',
    url: '/apis/scheduling.k8s.io/v1/priorityclasses',
    headers: server.auth,
    payload: { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'second' }, value: 20, globalDefault: true },
  });
  t.equal(second.statusCode, 403);
  t.equal(second.json().message, 'priorityclasses.scheduling.k8s.io "second" is forbidden: PriorityClass first is already marked as default. Only one default can exist');
  const again = await server.app.inject({ method: 'PATCH', url: '/apis/scheduling.k8s.io/v1/priorityclasses/first', headers: { ...server.auth, 'content-type': 'application/merge-patch+json' }, payload: { description: 'still the default' } });
  t.equal(again.statusCode, 200, 'the default itself may be updated');
});

t.test('an update keeps the priority the pod was admitted with', async (t) => {
  const created = await createPod(pod('keeper', { priorityClassName: 'system-cluster-critical' }));
  t.equal(created.statusCode, 201);
  const body = structuredClone(created.body);
  delete spec(body).priority;
  delete spec(body).preemptionPolicy;
  const r = await server.app.inject({ method: 'PUT', url: '/api/v1/namespaces/default/pods/keeper', headers: server.auth, payload: body });
  t.equal(r.statusCode, 200, r.body);
  t.equal(spec(r.json()).priority, 2000000000);
});

t.test('DefaultTolerationSeconds: 300 s for not-ready and unreachable unless the pod tolerates them', async (t) => {
  const plain = await createPod(pod('plain'));
  t.same(spec(plain.body).tolerations, [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  ]);
  const everything = await createPod(pod('everything', { tolerations: [{ operator: 'Exists' }] }));
  t.same(spec(everything.body).tolerations, [{ operator: 'Exists' }]);
  const partly = await createPod(pod('partly', { tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }] }));
  t.same(spec(partly.body).tolerations, [
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 },
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  ]);
});
