// Fuzz of CustomResourceDefinitions: random schemas (every type and keyword the structural subset
// has, nested, with random defaults, enums, patterns — some not compilable — bounds, formats,
// nullable, x-kubernetes-preserve-unknown-fields, -int-or-string, -embedded-resource and CEL rules,
// some not parsing) become definitions; random custom objects are created, read back, patched
// (merge and JSON) and written through /status; then the definition is deleted. Nothing may be
// answered with a 5xx, the server must keep answering, an accepted object must read back as it
// was answered, and a deleted definition leaves none of its objects. RUDDER_FUZZ_RUNS and
// RUDDER_FUZZ_SEED: see test/fuzz/settings.ts.
import fc from 'fast-check';
import t from 'tap';
import { fuzzParameters } from './fuzz/settings.js';
import { injectServer, type InjectServer } from './helpers/inject-server.js';

type Schema = Record<string, unknown>;

const scalar = fc.oneof(fc.string({ maxLength: 8 }), fc.integer({ min: -1000, max: 1000 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
const value: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.constantFrom('a', 'b', 'size', 'replicas', 'x', 'apiVersion', 'kind', 'metadata'), tie('v'), { maxKeys: 3 })),
})).v;

const RULES = ['self.size() >= 0', 'has(self.a)', 'self.a == self.b', 'self > 0', 'self.startsWith("x")', 'oldSelf == self', 'self.all(x, x > 0)', 'self.(', 'true', '1 +', 'self.replicas <= 10'];
const FORMATS = ['date-time', 'date', 'email', 'hostname', 'ipv4', 'ipv6', 'uuid', 'byte', 'uri', 'int32', 'bogus'];
const PATTERNS = ['^[a-z]+$', '[', '^\\d{1,3}$', '(a|b)*c', '(?<x>y)'];

const keywords = fc.record(
  {
    nullable: fc.boolean(),
    default: value,
    enum: fc.array(scalar, { minLength: 1, maxLength: 3 }),
    minimum: fc.integer({ min: -5, max: 5 }),
    maximum: fc.integer({ min: -5, max: 50 }),
    exclusiveMinimum: fc.boolean(),
    minLength: fc.integer({ min: 0, max: 4 }),
    maxLength: fc.integer({ min: 0, max: 10 }),
    minItems: fc.integer({ min: 0, max: 2 }),
    maxItems: fc.integer({ min: 0, max: 4 }),
    pattern: fc.constantFrom(...PATTERNS),
    format: fc.constantFrom(...FORMATS),
    'x-kubernetes-validations': fc.array(fc.record({ rule: fc.constantFrom(...RULES), message: fc.string({ maxLength: 10 }) }, { requiredKeys: ['rule'] }), { maxLength: 2 }),
  },
  { requiredKeys: [] },
);

const schema: fc.Arbitrary<Schema> = fc.letrec<{ s: Schema }>((tie) => ({
  s: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.tuple(fc.constantFrom('string', 'integer', 'number', 'boolean'), keywords).map(([type, k]) => ({ type, ...k })),
    fc.record({ 'x-kubernetes-int-or-string': fc.constant(true) }),
    fc.record({ 'x-kubernetes-preserve-unknown-fields': fc.constant(true) }),
    fc.tuple(fc.dictionary(fc.constantFrom('a', 'b', 'size', 'replicas', 'x'), tie('s'), { maxKeys: 3 }), fc.subarray(['a', 'b', 'size']), keywords, fc.boolean()).map(([properties, required, k, embedded]) => ({
      type: 'object',
      properties,
      required,
      ...(embedded ? { 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true } : {}),
      ...k,
    })),
    fc.tuple(tie('s'), keywords).map(([items, k]) => ({ type: 'array', items, ...k })),
    tie('s').map((additionalProperties) => ({ type: 'object', additionalProperties })),
    fc.constantFrom<Schema>({}, { type: 'bogus' }, { type: 'array' }, { $ref: '#/x' }, { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: { type: 'string' } }),
  ),
})).s;

const definitionCase = fc.record({
  root: fc.tuple(fc.dictionary(fc.constantFrom('spec', 'status', 'data'), schema, { maxKeys: 3 }), fc.boolean()).map(([properties, preserve]) => ({
    type: 'object',
    properties,
    ...(preserve ? { 'x-kubernetes-preserve-unknown-fields': true } : {}),
  })),
  scope: fc.constantFrom('Namespaced', 'Cluster'),
  status: fc.boolean(),
  scale: fc.boolean(),
  objects: fc.array(fc.record({ spec: value, status: value, data: value, extra: value }, { requiredKeys: [] }), { minLength: 1, maxLength: 4 }),
  merge: value,
});

let server: InjectServer;
t.before(async () => {
  server = await injectServer();
});
t.teardown(() => server?.close());

async function request(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: unknown, contentType = 'application/json') {
  const res = await server.app.inject({ method, url, headers: { ...server.auth, 'content-type': contentType }, ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }) });
  if (res.statusCode >= 500) throw new Error(`${method} ${url} answered ${res.statusCode}: ${res.body}\nbody: ${JSON.stringify(payload)}`);
  return { code: res.statusCode, body: res.body === '' ? undefined : (JSON.parse(res.body) as Record<string, unknown>) };
}

async function until<T>(what: () => Promise<T | undefined>, tries = 100): Promise<T | undefined> {
  for (let i = 0; i < tries; i++) {
    const found = await what();
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 10));
  }
  return undefined;
}

let run = 0;
const accepted = { definitions: 0, objects: 0, refusedObjects: 0 };
t.test('random definitions and random custom objects: no 5xx, accepted objects read back, deleting a definition deletes its objects', async (t) => {
  await fc.assert(
    fc.asyncProperty(definitionCase, async (c) => {
      run += 1;
      const plural = `fz${run}s`;
      const name = `${plural}.fuzz.example.com`;
      const version: Schema = { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: c.root } };
      if (c.status || c.scale) version.subresources = { ...(c.status ? { status: {} } : {}), ...(c.scale ? { scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } } : {}) };
      const crd = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name }, spec: { group: 'fuzz.example.com', scope: c.scope, names: { plural, kind: `Fz${run}` }, versions: [version] } };
      const created = await request('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
      if (created.code !== 201) {
        if (created.code !== 422) throw new Error(`a definition was answered ${created.code}: ${JSON.stringify(created.body)}`);
        return;
      }
      accepted.definitions += 1;
      const base = `/apis/fuzz.example.com/v1${c.scope === 'Namespaced' ? '/namespaces/default' : ''}/${plural}`;
      const served = await until(async () => ((await request('GET', base)).code === 200 ? true : undefined));
      if (!served) throw new Error(`${name} was not served`);
      let i = 0;
      for (const fields of c.objects) {
        const objectName = `o${(i += 1)}`;
        const made = await request('POST', `${base}?fieldValidation=Ignore`, { apiVersion: 'fuzz.example.com/v1', kind: `Fz${run}`, metadata: { name: objectName }, ...fields });
        if (made.code !== 201) {
          if (made.code !== 422) throw new Error(`an object was answered ${made.code}: ${JSON.stringify(made.body)}`);
          accepted.refusedObjects += 1;
          continue;
        }
        accepted.objects += 1;
        const read = await request('GET', `${base}/${objectName}`);
        if (read.code !== 200 || JSON.stringify(read.body) !== JSON.stringify(made.body)) throw new Error(`${objectName} reads back differently:\n${JSON.stringify(made.body)}\n${JSON.stringify(read.body)}`);
        await request('PATCH', `${base}/${objectName}`, { spec: c.merge }, 'application/merge-patch+json');
        await request('PATCH', `${base}/${objectName}`, [{ op: 'add', path: '/data', value: c.merge }], 'application/json-patch+json');
        if (c.status) await request('PUT', `${base}/${objectName}/status`, { ...read.body, status: c.merge });
        if (c.scale) await request('PATCH', `${base}/${objectName}/scale`, { spec: { replicas: 2 } }, 'application/merge-patch+json');
      }
      await request('DELETE', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
      const gone = await until(async () => ((await request('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`)).code === 404 ? true : undefined), 300);
      if (!gone) throw new Error(`${name} was not deleted`);
      const left = server.store.range(`/registry/fuzz.example.com/${plural}/`, {}).kvs.length;
      if (left !== 0) throw new Error(`${left} objects of ${name} outlived it`);
    }),
    fuzzParameters(60),
  );
  t.comment(`definitions accepted: ${accepted.definitions}, objects accepted: ${accepted.objects}, refused: ${accepted.refusedObjects}`);
  t.ok(accepted.definitions > 0 && accepted.objects > 0 && accepted.refusedObjects > 0, 'the random cases reach both acceptance and refusal');
  t.equal((await server.app.inject({ method: 'GET', url: '/readyz', headers: server.auth })).statusCode, 200, 'the server still answers');
});
