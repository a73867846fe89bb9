// One object, two API versions: events.k8s.io/v1 Events are the core/v1 Events in another shape,
// stored once. Whatever version writes an event, every version reads, lists, watches, selects and
// prints it, each in its own shape, and the new API keeps its stricter rules.
import t from 'tap';
import { injectServer, type InjectServer } from './helpers/inject-server.js';

interface Reply {
  code: number;
  body: Record<string, unknown> & { metadata?: { name?: string; resourceVersion?: string }; items?: Record<string, unknown>[]; message?: string };
}

const CORE = '/api/v1/namespaces/default/events';
const V1 = '/apis/events.k8s.io/v1/namespaces/default/events';
const NOW = '2026-01-02T03:04:05.000000Z';

let server: InjectServer;
t.beforeEach(async () => {
  server = await injectServer();
});
t.afterEach(() => server.close());

async function call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown, accept = 'application/json'): Promise<Reply> {
  const res = await server.app.inject({ method, url, headers: { ...server.auth, accept, ...(payload ? { 'content-type': 'application/json' } : {}) }, payload: payload as object | undefined });
  return { code: res.statusCode, body: JSON.parse(res.body) as Reply['body'] };
}

const newStyle = {
  metadata: { name: 'pulled' },
  eventTime: NOW,
  reportingController: 'kubelet',
  reportingInstance: 'node-1',
  action: 'Pulling',
  reason: 'Pulled',
  regarding: { kind: 'Pod', namespace: 'default', name: 'web', apiVersion: 'v1' },
  note: 'Successfully pulled image',
  type: 'Normal',
};

t.test('an event written through events.k8s.io/v1 is the core/v1 event of the same name, in the old shape', async (t) => {
  const created = await call('POST', V1, newStyle);
  t.equal(created.code, 201, created.body.message ?? '');
  t.match(created.body, { apiVersion: 'events.k8s.io/v1', kind: 'Event', regarding: { name: 'web' }, note: 'Successfully pulled image', reportingController: 'kubelet' });
  const core = await call('GET', `${CORE}/pulled`);
  t.equal(core.code, 200);
  t.match(core.body, { apiVersion: 'v1', kind: 'Event', involvedObject: { name: 'web' }, message: 'Successfully pulled image', reportingComponent: 'kubelet' });
  t.notOk('regarding' in core.body);
  t.equal(core.body.metadata?.resourceVersion, created.body.metadata?.resourceVersion, 'one object, one resourceVersion');
});

t.test('a core/v1 event reads, lists and selects through events.k8s.io/v1 in the new shape', async (t) => {
  const legacy = { metadata: { name: 'scaled' }, involvedObject: { kind: 'Deployment', namespace: 'default', name: 'web' }, reason: 'ScalingReplicaSet', message: 'Scaled up', type: 'Normal', source: { component: 'deployment-controller' }, count: 1, firstTimestamp: '2026-01-02T03:04:05Z', lastTimestamp: '2026-01-02T03:04:05Z' };
  t.equal((await call('POST', CORE, legacy)).code, 201);
  const got = await call('GET', `${V1}/scaled`);
  t.match(got.body, { apiVersion: 'events.k8s.io/v1', regarding: { kind: 'Deployment', name: 'web' }, note: 'Scaled up', deprecatedSource: { component: 'deployment-controller' }, deprecatedCount: 1 });
  const selected = await call('GET', `${V1}?fieldSelector=regarding.kind%3DDeployment`);
  t.same(selected.body.items?.map((item) => (item.metadata as { name: string }).name), ['scaled']);
  t.equal((await call('GET', `${V1}?fieldSelector=involvedObject.kind%3DDeployment`)).code, 400, 'the old field names are the old API\'s');
  const table = await call('GET', V1, undefined, 'application/json;as=Table;g=meta.k8s.io;v=v1');
  t.match((table.body as unknown as { rows: { cells: unknown[] }[] }).rows[0]?.cells, [String, 'Normal', 'ScalingReplicaSet', 'deployment/web']);
});

t.test('the new API refuses what only the old one may write; the old API accepts it', async (t) => {
  const { eventTime: _eventTime, ...withoutTime } = newStyle;
  const missing = await call('POST', V1, { ...withoutTime, metadata: { name: 'no-time' } });
  t.equal(missing.code, 422);
  t.match(missing.body.message, /eventTime: Required value/);
  const deprecated = await call('POST', V1, { ...newStyle, metadata: { name: 'old-fields' }, deprecatedCount: 3, type: 'Odd' });
  t.equal(deprecated.code, 422);
  t.match(deprecated.body.message, /type: Invalid value: "": has invalid value: Odd/);
  t.match(deprecated.body.message, /deprecatedCount: Invalid value: "": needs to be unset/);
  t.equal((await call('POST', CORE, { metadata: { name: 'old-fields' }, involvedObject: { kind: 'Pod', namespace: 'default', name: 'web' }, count: 3, type: 'Odd' })).code, 201);
});

t.test('a watch through events.k8s.io/v1 sees events written through either API, in the new shape', async (t) => {
  const address = await server.app.listen({ host: '127.0.0.1', port: 0 });
  const abort = new AbortController();
  const res = await fetch(`${address}${V1}?watch=1`, { headers: server.auth, signal: abort.signal });
  await call('POST', CORE, { metadata: { name: 'from-core' }, involvedObject: { kind: 'Pod', namespace: 'default', name: 'a' }, message: 'hello', type: 'Normal' });
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  let text = '';
  while (!text.includes('\n')) {
    const { value, done } = await reader.read();
    if (done) break;
    text += Buffer.from(value).toString('utf8');
  }
  abort.abort();
  const event = JSON.parse(text.split('\n')[0]!) as { type: string; object: Record<string, unknown> };
  t.equal(event.type, 'ADDED');
  t.match(event.object, { apiVersion: 'events.k8s.io/v1', regarding: { name: 'a' }, note: 'hello' });
});
