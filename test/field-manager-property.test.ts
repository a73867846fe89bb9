// Server-side apply's properties for random objects of built-in kinds (ConfigMaps, Deployments,
// Services), walked by their published schemas: applying the same configuration twice changes
// nothing; the result does not depend on the order of the configuration's fields; and the
// result equals a reference written from the documented semantics — a manager that owns
// everything it applied gets exactly its new configuration (fields it dropped are gone, keyed
// lists in its order), two managers applying disjoint fields get their union, and a manager
// changing another's field is a conflict naming that field unless forced.
import fc from 'fast-check';
import t from 'tap';
import { ANCIENT_CHANGES, FieldManager, MAX_UPDATE_MANAGERS, servedTypes, type ManagerEntry } from '../lib/api/field-manager/index.js';
import { decodeManagedFields } from '../lib/api/field-manager/managed-fields.js';
import type { KubeObject } from '../lib/api/object.js';
import { isStatusError } from '../lib/api/status.js';

const NOW = '2026-01-01T00:00:00Z';

interface Kind {
  apiVersion: string;
  kind: string;
  definition: string;
  hasStatus: boolean;
  body: fc.Arbitrary<Record<string, unknown>>;
}

const word = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f');
const value = fc.constantFrom('x', 'y', 'z', '1', '');
const labels = fc.dictionary(word, value, { maxKeys: 4 });

function keyedList<T extends Record<string, unknown>>(item: fc.Arbitrary<T>, key: (item: T) => string): fc.Arbitrary<T[]> {
  return fc.uniqueArray(item, { selector: key, maxLength: 4 });
}

const env = keyedList(fc.record({ name: word, value }), (e) => e.name);
const containerPorts = keyedList(fc.record({ containerPort: fc.integer({ min: 1, max: 4 }), protocol: fc.constantFrom('TCP', 'UDP') }), (p) => `${p.containerPort}/${p.protocol}`);
const containers = keyedList(
  fc.record({ name: word, image: fc.constantFrom('nginx', 'redis', 'busybox'), env, ports: containerPorts }, { requiredKeys: ['name'] }),
  (c) => c.name,
);

const KINDS: Kind[] = [
  {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    definition: 'io.k8s.api.core.v1.ConfigMap',
    hasStatus: false,
    body: fc.record({ data: fc.dictionary(word, value, { maxKeys: 5 }) }),
  },
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    definition: 'io.k8s.api.apps.v1.Deployment',
    hasStatus: true,
    body: fc.record({
      spec: fc.record(
        {
          replicas: fc.integer({ min: 0, max: 5 }),
          paused: fc.boolean(),
          template: fc.record({ metadata: fc.record({ labels }), spec: fc.record({ containers }) }, { requiredKeys: [] }),
        },
        { requiredKeys: [] },
      ),
    }),
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    definition: 'io.k8s.api.core.v1.Service',
    hasStatus: true,
    body: fc.record({
      spec: fc.record(
        {
          selector: labels,
          ports: keyedList(fc.record({ port: fc.integer({ min: 1, max: 4 }), protocol: fc.constantFrom('TCP', 'UDP'), name: word }), (p) => `${p.port}/${p.protocol}`),
        },
        { requiredKeys: [] },
      ),
    }),
  },
];

function managerOf(kind: Kind): FieldManager {
  return new FieldManager({ type: servedTypes().definition(kind.definition), apiVersion: kind.apiVersion, hasStatus: kind.hasStatus });
}

function config(kind: Kind, body: Record<string, unknown>, metadata: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: kind.apiVersion, kind: kind.kind, metadata: { name: 'o', ...metadata }, ...structuredClone(body) } as KubeObject;
}

/** The object without what the field manager adds (managedFields), for comparing contents. */
function contents(obj: KubeObject): KubeObject {
  const { managedFields: _m, ...metadata } = obj.metadata ?? {};
  return { ...obj, metadata };
}

/** Drops empty objects and lists, which an applied configuration may leave behind and a reference does not hold. */
function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const n = normalize(v);
    if ((Array.isArray(n) && n.length === 0) || (typeof n === 'object' && n !== null && !Array.isArray(n) && Object.keys(n).length === 0)) continue;
    out[k] = n;
  }
  return out;
}

/** The same value with every object's keys in another (reversed) order. */
function reorder(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reorder);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reorder(v)]));
}

const kindAndTwoBodies = fc.constantFrom(...KINDS).chain((kind) => fc.tuple(fc.constant(kind), kind.body, kind.body));

t.test('applying the same configuration twice changes nothing', async (t) => {
  fc.assert(
    fc.property(kindAndTwoBodies, ([kind, first, second]) => {
      const fm = managerOf(kind);
      const created = fm.apply(undefined, config(kind, first), 'a', undefined, false, NOW).object;
      const once = fm.apply(created, config(kind, second), 'a', undefined, false, NOW).object;
      const twice = fm.apply(once, config(kind, second), 'a', undefined, false, '2026-01-02T00:00:00Z');
      return twice.unchanged && JSON.stringify(twice.object) === JSON.stringify(once);
    }),
    { numRuns: 300 },
  );
  t.pass('300 random configurations');
});

t.test('apply does not depend on the order of the fields', async (t) => {
  fc.assert(
    fc.property(kindAndTwoBodies, ([kind, first, second]) => {
      const fm = managerOf(kind);
      const live = fm.apply(undefined, config(kind, first, { labels: { keep: 'x' } }), 'a', undefined, false, NOW).object;
      const straight = fm.apply(live, config(kind, second), 'b', undefined, true, NOW).object;
      const reversed = fm.apply(live, reorder(config(kind, second)) as KubeObject, 'b', undefined, true, NOW).object;
      t.same(reversed, straight);
      return true;
    }),
    { numRuns: 200 },
  );
});

t.test('a manager re-applying gets exactly its new configuration', async (t) => {
  fc.assert(
    fc.property(kindAndTwoBodies, ([kind, first, second]) => {
      const fm = managerOf(kind);
      const created = fm.apply(undefined, config(kind, first), 'a', undefined, false, NOW).object;
      const result = fm.apply(created, config(kind, second), 'a', undefined, false, NOW).object;
      const reference = normalize(config(kind, second));
      const got = normalize(contents(result));
      if (JSON.stringify(got) !== JSON.stringify(reference)) t.same(got, reference, JSON.stringify({ first, second }));
      return true;
    }),
    { numRuns: 300 },
  );
});

t.test('two managers: disjoint fields are a union, dropped fields go, changing another manager’s field is a conflict', async (t) => {
  const kind = KINDS[0]!;
  fc.assert(
    fc.property(fc.dictionary(word, value, { minKeys: 1, maxKeys: 4 }), fc.dictionary(fc.constantFrom('p', 'q', 'r'), value, { minKeys: 1, maxKeys: 3 }), (mine, theirs) => {
      const fm = managerOf(kind);
      const a = fm.apply(undefined, config(kind, { data: mine }), 'a', undefined, false, NOW).object;
      const both = fm.apply(a, config(kind, { data: theirs }), 'b', undefined, false, NOW).object as KubeObject & { data?: Record<string, string> };
      t.same(both.data, { ...mine, ...theirs }, 'union');
      const dropped = fm.apply(both, config(kind, { data: {} }), 'a', undefined, false, NOW).object;
      t.same(dropped.data ?? {}, theirs, 'what a dropped goes, what b owns stays');
      const key = Object.keys(mine)[0]!;
      const changed = { [key]: `${String(both.data?.[key])}!` };
      try {
        fm.apply(both, config(kind, { data: changed }), 'b', undefined, false, NOW);
        t.fail('a conflict was expected');
      } catch (error) {
        t.ok(isStatusError(error));
        if (isStatusError(error)) {
          t.equal(error.status.code, 409);
          t.equal(error.status.message, `Apply failed with 1 conflict: conflict with "a": .data.${key}`);
          t.same(error.status.details?.causes, [{ reason: 'FieldManagerConflict', message: 'conflict with "a"', field: `.data.${key}` }]);
        }
      }
      const forced = fm.apply(both, config(kind, { data: changed }), 'b', undefined, true, NOW).object as KubeObject & { data?: Record<string, string> };
      t.equal(forced.data?.[key], changed[key]);
      const owners = [...decodeManagedFields(forced.metadata?.managedFields).values()] as ManagerEntry[];
      t.notOk(owners.find((m) => m.manager === 'a')?.set.has(['f:data', `f:${key}`]), 'a lost the field');
      t.ok(owners.find((m) => m.manager === 'b')?.set.has(['f:data', `f:${key}`]), 'b owns it');
      return true;
    }),
    { numRuns: 100 },
  );
});

t.test('an Update manager records what it added or changed; list order and field order are as applied', async (t) => {
  const kind = KINDS[1]!;
  const fm = managerOf(kind);
  const created = config(kind, { spec: { replicas: 1, template: { spec: { containers: [{ name: 'a', image: 'x' }] } } } });
  created.metadata!.managedFields = fm.updated(undefined, created, 'creator', undefined, NOW) as never;
  t.same(created.metadata!.managedFields, [
    {
      manager: 'creator',
      operation: 'Update',
      apiVersion: 'apps/v1',
      time: NOW,
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:spec': { 'f:replicas': {}, 'f:template': { 'f:spec': { 'f:containers': { '.': {}, 'k:{"name":"a"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } } } },
    },
  ]);
  const applied = fm.apply(created, config(kind, { spec: { template: { spec: { containers: [{ name: 'b', image: 'y' }, { name: 'a' }] } } } }), 'ssa', undefined, false, NOW).object;
  t.same(
    ((applied.spec as { template: { spec: { containers: { name: string }[] } } }).template.spec.containers).map((c) => c.name),
    ['b', 'a'],
    'the applied order',
  );
});

t.test('the fields of a create, built directly, are those of an update from nothing', async (t) => {
  fc.assert(
    fc.property(kindAndTwoBodies, ([kind, first]) => {
      const fm = managerOf(kind);
      const obj = config(kind, first, { labels: { a: 'x' }, annotations: {} });
      const direct = fm.updated(undefined, obj, 'm', undefined, NOW);
      const viaCompare = fm.updated({ apiVersion: kind.apiVersion, kind: kind.kind, metadata: { name: 'o' } } as KubeObject, obj, 'm', undefined, NOW);
      if (JSON.stringify(direct) !== JSON.stringify(viaCompare)) t.same(direct, viaCompare);
      return true;
    }),
    { numRuns: 300 },
  );
});

t.test('past ten Update managers the oldest are merged into ancient-changes', async (t) => {
  const kind = KINDS[0]!;
  const fm = managerOf(kind);
  let obj = config(kind, { data: {} });
  for (let i = 0; i < 14; i++) {
    const next = config(kind, { data: { ...(obj.data as Record<string, string>), [`k${i}`]: 'v' } });
    next.metadata!.managedFields = fm.updated(obj, next, `writer-${i}`, undefined, `2026-01-01T00:00:${String(10 + i)}Z`) as never;
    obj = next;
  }
  const entries = (obj.metadata?.managedFields ?? []) as { manager: string; fieldsV1: { 'f:data'?: Record<string, unknown> } }[];
  t.equal(entries.length, MAX_UPDATE_MANAGERS);
  const ancient = entries.find((e) => e.manager === ANCIENT_CHANGES);
  t.ok(ancient, 'an ancient-changes entry');
  t.same(Object.keys(ancient?.fieldsV1['f:data'] ?? {}).filter((k) => k !== '.').sort(), ['f:k0', 'f:k1', 'f:k2', 'f:k3', 'f:k4']);
  t.same(entries.filter((e) => e.manager !== ANCIENT_CHANGES).map((e) => e.manager), ['writer-5', 'writer-6', 'writer-7', 'writer-8', 'writer-9', 'writer-10', 'writer-11', 'writer-12', 'writer-13']);
});
