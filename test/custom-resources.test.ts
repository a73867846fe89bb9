// CustomResourceDefinitions over inject(): a non-structural schema is a 422 naming the field as
// Kubernetes does; a definition whose kind another one already has is not Established; custom
// objects answer JSON to a client offering protobuf and JSON, and refuse strategic merge patches
// (415) as Kubernetes does; an object without an integer where the schema wants one is a 422.
import t from 'tap';
import { injectServer, type InjectServer } from './helpers/inject-server.js';

const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';

function definition(plural: string, kind: string, schema: Record<string, unknown>): Record<string, unknown> {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.unit.example.com` },
    spec: { group: 'unit.example.com', scope: 'Namespaced', names: { plural, kind }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: schema } }] },
  };
}

const SCHEMA = { type: 'object', properties: { spec: { type: 'object', properties: { replicas: { type: 'integer' } } } } };

let server: InjectServer;
t.before(async () => {
  server = await injectServer();
});
t.teardown(() => server?.close());

async function send(method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown, headers: Record<string, string> = {}) {
  return server.app.inject({ method, url, headers: { ...server.auth, 'content-type': 'application/json', ...headers }, ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }) });
}

async function established(name: string): Promise<{ type: string; status: string; message: string }[]> {
  for (let i = 0; i < 100; i++) {
    const crd = (await send('GET', `${CRDS}/${name}`)).json() as { status?: { conditions?: { type: string; status: string; message: string }[] } };
    const conditions = crd.status?.conditions ?? [];
    if (conditions.some((c) => c.type === 'Established')) return conditions;
    await new Promise((r) => setTimeout(r, 10));
  }
  return [];
}

t.test('a schema without a type is a 422 naming the field', async (t) => {
  const res = await send('POST', CRDS, definition('things', 'Thing', { type: 'object', properties: { spec: { properties: {} } } }));
  t.equal(res.statusCode, 422);
  t.match(res.json().message, 'spec.versions[0].schema.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields');
  const wrongName = await send('POST', CRDS, { ...definition('things', 'Thing', SCHEMA), metadata: { name: 'other.unit.example.com' } });
  t.match(wrongName.json().message, 'metadata.name: Invalid value: "other.unit.example.com": must be spec.names.plural+"."+spec.group');
});

t.test('a kind another definition of the group has is not accepted', async (t) => {
  t.equal((await send('POST', CRDS, definition('bolts', 'Bolt', SCHEMA))).statusCode, 201);
  t.match(await established('bolts.unit.example.com'), [{ type: 'NamesAccepted', status: 'True' }, { type: 'Established', status: 'True' }]);
  t.equal((await send('POST', CRDS, definition('screws', 'Bolt', SCHEMA))).statusCode, 201);
  t.match(await established('screws.unit.example.com'), [
    { type: 'NamesAccepted', status: 'False', message: '"Bolt" is already in use' },
    { type: 'Established', status: 'False' },
  ]);
  t.equal((await send('GET', '/apis/unit.example.com/v1/namespaces/default/screws')).statusCode, 404, 'its resource is not served');
});

t.test('custom objects: JSON for protobuf clients, no strategic merge patch, typed fields', async (t) => {
  const base = '/apis/unit.example.com/v1/namespaces/default/bolts';
  const made = await send('POST', base, { apiVersion: 'unit.example.com/v1', kind: 'Bolt', metadata: { name: 'b1' }, spec: { replicas: 1 } });
  t.equal(made.statusCode, 201, made.body);
  const read = await send('GET', `${base}/b1`, undefined, { accept: 'application/vnd.kubernetes.protobuf,application/json' });
  t.equal(read.statusCode, 200);
  t.match(read.headers['content-type'], /^application\/json/);
  const strategic = await send('PATCH', `${base}/b1`, { spec: { replicas: 2 } }, { 'content-type': 'application/strategic-merge-patch+json' });
  t.equal(strategic.statusCode, 415);
  const typed = await send('PATCH', `${base}/b1`, { spec: { replicas: 1.5 } }, { 'content-type': 'application/merge-patch+json' });
  t.equal(typed.statusCode, 422);
  t.match(typed.json().message, 'spec.replicas: Invalid value: "number": spec.replicas in body must be of type integer: "number"');
});

t.test('field selectors; a definition being deleted refuses new objects and waits for its objects to go', async (t) => {
  t.equal((await send('POST', CRDS, definition('nuts', 'Nut', SCHEMA))).statusCode, 201);
  await established('nuts.unit.example.com');
  const base = '/apis/unit.example.com/v1/namespaces/default/nuts';
  for (const name of ['n1', 'n2']) {
    const made = await send('POST', base, { apiVersion: 'unit.example.com/v1', kind: 'Nut', metadata: { name, finalizers: name === 'n1' ? ['example.com/hold'] : [] } });
    t.equal(made.statusCode, 201, made.body);
  }
  const selected = (await send('GET', `${base}?fieldSelector=metadata.name%3Dn2`)).json() as { items: { metadata: { name: string } }[] };
  t.same(selected.items.map((i) => i.metadata.name), ['n2']);
  const deleting = await server.app.inject({ method: 'DELETE', url: `${CRDS}/nuts.unit.example.com`, headers: server.auth });
  t.ok([200, 202].includes(deleting.statusCode), `deletion started: ${deleting.statusCode}`);
  let refused = await send('POST', base, { apiVersion: 'unit.example.com/v1', kind: 'Nut', metadata: { name: 'n3' } });
  for (let i = 0; refused.statusCode === 201 && i < 50; i++) refused = await send('POST', base, { apiVersion: 'unit.example.com/v1', kind: 'Nut', metadata: { name: `n3-${i}` } });
  t.equal(refused.statusCode, 405);
  t.match(refused.json().message, 'create not allowed while custom resource definition is terminating');
  await new Promise((r) => setTimeout(r, 200));
  const crd = (await send('GET', `${CRDS}/nuts.unit.example.com`)).json() as { status: { conditions: { type: string; status: string }[] } };
  t.match(crd.status.conditions, [{}, {}, { type: 'Terminating', status: 'True' }], 'it stays, Terminating, while an object is held by its finalizer');
  const released = await send('PATCH', `${base}/n1`, { metadata: { finalizers: null } }, { 'content-type': 'application/merge-patch+json' });
  t.equal(released.statusCode, 200, released.body);
  let gone = 200;
  for (let i = 0; gone !== 404 && i < 300; i++) {
    await new Promise((r) => setTimeout(r, 10));
    gone = (await send('GET', `${CRDS}/nuts.unit.example.com`)).statusCode;
  }
  t.equal(gone, 404, 'the definition is gone once its last object is');
});
