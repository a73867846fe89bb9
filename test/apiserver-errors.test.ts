// Bad input gets a Kubernetes Status with the right code, and nothing is written half-way.
import fc from 'fast-check';
import t from 'tap';
import { injectServer, type InjectServer } from './helpers/inject-server.js';

interface StatusBody {
  kind: string;
  apiVersion: string;
  status: string;
  reason: string;
  code: number;
  message: string;
  details?: { causes?: { field: string; reason: string; message: string }[] };
}

function statusOf(response: { statusCode: number; body: string; headers: Record<string, unknown> }): StatusBody {
  const body = JSON.parse(response.body) as StatusBody;
  return body;
}

let server: InjectServer;
t.beforeEach(async () => {
  server = await injectServer();
});
t.afterEach(async () => {
  await server.close();
});

const CM = '/api/v1/namespaces/default/configmaps';

async function configmapCount(): Promise<number> {
  const res = await server.app.inject({ method: 'GET', url: CM, headers: server.auth });
  return (JSON.parse(res.body) as { items: unknown[] }).items.length;
}

t.test('a wrong token is 401 Unauthorized, no credentials 403 as system:anonymous; health and version stay open', async (t) => {
  const anonymous = await server.app.inject({ method: 'GET', url: CM });
  t.equal(anonymous.statusCode, 403);
  t.match(statusOf(anonymous), { reason: 'Forbidden', code: 403, message: 'configmaps is forbidden: User "system:anonymous" cannot list resource "configmaps" in API group "" in the namespace "default"' });
  for (const headers of [{ authorization: 'Bearer nope' }, { authorization: 'Basic YTpi' }]) {
    const res = await server.app.inject({ method: 'GET', url: CM, headers });
    t.equal(res.statusCode, 401);
    t.match(statusOf(res), { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Unauthorized', code: 401 });
  }
  for (const url of ['/livez', '/readyz', '/version']) {
    t.equal((await server.app.inject({ method: 'GET', url })).statusCode, 200, url);
  }
});

t.test('a body over 3 MiB is 413', async (t) => {
  const big = JSON.stringify({ metadata: { name: 'big' }, data: { blob: 'x'.repeat(3 * 1024 * 1024 + 10) } });
  const res = await server.app.inject({ method: 'POST', url: CM, headers: { ...server.auth, 'content-type': 'application/json' }, payload: big });
  t.equal(res.statusCode, 413);
  t.match(statusOf(res), { reason: 'RequestEntityTooLarge', code: 413 });
  t.equal(await configmapCount(), 0);
});

t.test('malformed JSON and YAML, and bodies that are not objects, are 400', async (t) => {
  const cases: [string, string][] = [
    ['application/json', '{"metadata": {"name": "x"'],
    ['application/json', ''],
    ['application/json', '[1,2,3]'],
    ['application/json', '"just a string"'],
    ['application/json', '{"__proto__": {"polluted": true}, "metadata": {"name": "p"}}'],
    ['application/yaml', 'metadata: [unclosed'],
    ['application/yaml', 'a: 1\n---\nb: 2\n'],
  ];
  for (const [type, payload] of cases) {
    const res = await server.app.inject({ method: 'POST', url: CM, headers: { ...server.auth, 'content-type': type }, payload });
    t.equal(res.statusCode, 400, `${type}: ${payload.slice(0, 30)}`);
    t.match(statusOf(res), { kind: 'Status', reason: 'BadRequest', code: 400 });
  }
  t.equal(await configmapCount(), 0, 'nothing was written');
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype pollution');
});

t.test('unknown resources are 404 and unsupported methods are 405', async (t) => {
  for (const url of ['/api/v1/namespaces/default/widgets', '/apis/example.com/v1/things', '/api/v2/pods', '/nothing/here', '/api/v1/namespaces/default/pods/x/log']) {
    const res = await server.app.inject({ method: 'GET', url, headers: server.auth });
    t.equal(res.statusCode, 404, url);
    t.match(statusOf(res), { reason: 'NotFound', code: 404 });
  }
  for (const [method, url] of [
    ['POST', `${CM}/named`],
    ['PUT', CM],
    ['PATCH', CM],
    ['POST', '/api/v1/pods'],
    ['DELETE', '/api/v1/namespaces/default/pods/x/status'],
  ] as const) {
    const res = await server.app.inject({ method, url, headers: { ...server.auth, 'content-type': 'application/json' }, payload: '{}' });
    t.equal(res.statusCode, 405, `${method} ${url}`);
    t.match(statusOf(res), { reason: 'MethodNotAllowed', code: 405 });
  }
});

t.test('an unsupported content type is 415', async (t) => {
  const res = await server.app.inject({ method: 'POST', url: CM, headers: { ...server.auth, 'content-type': 'text/plain' }, payload: 'hello' });
  t.equal(res.statusCode, 415);
  t.match(statusOf(res), { reason: 'UnsupportedMediaType', code: 415 });
  const patch = await server.app.inject({ method: 'PATCH', url: `${CM}/x`, headers: { ...server.auth, 'content-type': 'application/json' }, payload: '{}' });
  t.equal(patch.statusCode, 415, 'a PATCH needs a patch content type');
});

t.test('an invalid object is 422 with the field named, and is not stored', async (t) => {
  const res = await server.app.inject({
    method: 'POST',
    url: '/api/v1/namespaces/default/pods',
    headers: server.auth,
    payload: { metadata: { name: 'Bad_Name' }, spec: { containers: [{ name: 'app' }] } },
  });
  t.equal(res.statusCode, 422);
  const status = statusOf(res);
  t.equal(status.reason, 'Invalid');
  const fields = (status.details?.causes ?? []).map((c) => c.field);
  t.ok(fields.includes('metadata.name'), 'the name is named');
  t.ok(fields.includes('spec.containers[0].image'), 'the missing image is named');
  const list = await server.app.inject({ method: 'GET', url: '/api/v1/namespaces/default/pods', headers: server.auth });
  t.equal((JSON.parse(list.body) as { items: unknown[] }).items.length, 0);
});

t.test('conflicts: creating twice is AlreadyExists, a stale update is Conflict', async (t) => {
  const body = { metadata: { name: 'twice' }, data: { a: '1' } };
  const first = await server.app.inject({ method: 'POST', url: CM, headers: server.auth, payload: body });
  t.equal(first.statusCode, 201);
  const again = await server.app.inject({ method: 'POST', url: CM, headers: server.auth, payload: body });
  t.equal(again.statusCode, 409);
  t.match(statusOf(again), { reason: 'AlreadyExists', message: 'configmaps "twice" already exists' });
  const stale = JSON.parse(first.body) as { metadata: { resourceVersion: string } };
  await server.app.inject({ method: 'PUT', url: `${CM}/twice`, headers: server.auth, payload: { ...stale, data: { a: '2' } } });
  const conflict = await server.app.inject({ method: 'PUT', url: `${CM}/twice`, headers: server.auth, payload: { ...stale, data: { a: '3' } } });
  t.equal(conflict.statusCode, 409);
  t.match(statusOf(conflict), { reason: 'Conflict' });
  const current = await server.app.inject({ method: 'GET', url: `${CM}/twice`, headers: server.auth });
  t.same((JSON.parse(current.body) as { data: unknown }).data, { a: '2' }, 'the stale write changed nothing');
});

t.test('a missing namespace is 404; strict field validation is 400; bad selectors are 400', async (t) => {
  const nowhere = await server.app.inject({ method: 'POST', url: '/api/v1/namespaces/nowhere/configmaps', headers: server.auth, payload: { metadata: { name: 'x' } } });
  t.equal(nowhere.statusCode, 404);
  t.match(statusOf(nowhere), { message: 'namespaces "nowhere" not found' });
  const strict = await server.app.inject({ method: 'POST', url: `${CM}?fieldValidation=Strict`, headers: server.auth, payload: { metadata: { name: 'x' }, dataa: {} } });
  t.equal(strict.statusCode, 400);
  t.match(statusOf(strict).message, /strict decoding error: unknown field "dataa"/);
  const warned = await server.app.inject({ method: 'POST', url: CM, headers: server.auth, payload: { metadata: { name: 'w' }, dataa: {} } });
  t.equal(warned.statusCode, 201, 'Warn is the default');
  t.match(String(warned.headers.warning), /unknown field \\"dataa\\"/);
  for (const query of ['labelSelector=a%20in%20(b', 'fieldSelector=spec.nope%3Dx', 'limit=-1', 'resourceVersion=abc', 'watch=maybe']) {
    const res = await server.app.inject({ method: 'GET', url: `${CM}?${query}`, headers: server.auth });
    t.equal(res.statusCode, 400, query);
  }
});

t.test('fuzz: random and malformed bodies never cause a 5xx or a crash', async (t) => {
  const urls = [
    CM,
    `${CM}/fuzz`,
    '/api/v1/namespaces/default/pods',
    '/api/v1/namespaces/default/pods/fuzz',
    '/api/v1/namespaces/default/pods/fuzz/status',
    '/api/v1/namespaces/default/pods/fuzz/binding',
    '/api/v1/namespaces/default/services',
    '/api/v1/nodes',
    '/api/v1/namespaces',
    '/apis/apps/v1/namespaces/default/deployments',
    '/apis/apps/v1/namespaces/default/deployments/fuzz/scale',
    '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices',
    '/apis/coordination.k8s.io/v1/namespaces/default/leases',
  ];
  const contentTypes = ['application/json', 'application/yaml', 'application/merge-patch+json', 'application/json-patch+json', 'application/strategic-merge-patch+json'];
  const objectish = fc.record(
    {
      apiVersion: fc.oneof(fc.constantFrom('v1', 'apps/v1', 'bogus/v9'), fc.string()),
      kind: fc.oneof(fc.constantFrom('ConfigMap', 'Pod', 'Service', 'Deployment', 'Scale', 'Binding'), fc.string()),
      metadata: fc.oneof(fc.record({ name: fc.oneof(fc.constant('fuzz'), fc.string()), labels: fc.dictionary(fc.string(), fc.string()) }, { requiredKeys: [] }), fc.anything()),
      spec: fc.anything(),
      data: fc.anything(),
      status: fc.anything(),
    },
    { requiredKeys: [] },
  );
  const body = fc.oneof(
    objectish.map((o) => JSON.stringify(o)),
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc.string(),
    fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
    fc.array(fc.record({ op: fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test', 'bogus'), path: fc.string(), value: fc.anything(), from: fc.string() })).map((ops) => JSON.stringify(ops)),
  );
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...urls), fc.constantFrom('POST', 'PUT', 'PATCH', 'DELETE', 'GET'), fc.constantFrom(...contentTypes), body, async (url, method, type, payload) => {
      const res = await server.app.inject({ method, url, headers: { ...server.auth, 'content-type': type }, payload });
      if (res.statusCode >= 500) throw new Error(`${method} ${url} (${type}) → ${res.statusCode}: ${res.body}\npayload: ${payload}`);
      if (res.statusCode >= 400) {
        const status = JSON.parse(res.body) as StatusBody;
        if (status.kind !== 'Status' || status.code !== res.statusCode) throw new Error(`not a Status: ${res.body}`);
      }
    }),
    { numRuns: 1500 },
  );
  const ready = await server.app.inject({ method: 'GET', url: '/readyz' });
  t.equal(ready.statusCode, 200, 'the server still answers');
});
