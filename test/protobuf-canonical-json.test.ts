// The shape every object is stored in is computed from its JSON (lib/api/canonical-form.ts); it must
// be exactly what the object reads back as after a real protobuf round trip, Go's rules for every
// field and zero value included, key order too.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import t from 'tap';
import { canonicalForm } from '../lib/api/canonical-form.js';
import type { KubeObject } from '../lib/api/object.js';
import { decodeProtobufResponse } from '../lib/api/protobuf/decode.js';
import { encodeProtobufObject, protobufEncodable } from '../lib/api/protobuf/encode.js';
import { ROOT } from './helpers/paths.js';

interface Case {
  name: string;
  object?: KubeObject;
}

const cases = (JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'protobuf', 'cases.json'), 'utf8')) as Case[]).filter(
  (c): c is Case & { object: KubeObject } => c.object !== undefined && protobufEncodable(String(c.object.apiVersion), String(c.object.kind)),
);

function roundTrip(obj: KubeObject): string {
  return JSON.stringify(decodeProtobufResponse(encodeProtobufObject(obj)));
}

t.test('every golden object: the canonical form is the protobuf round trip, byte for byte as JSON', async (t) => {
  t.ok(cases.length > 20);
  for (const c of cases) t.equal(JSON.stringify(canonicalForm(structuredClone(c.object))), roundTrip(structuredClone(c.object)), c.name);
});

/** Every path to a value inside an object (objects and arrays walked). */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [];
  if (Array.isArray(value)) value.forEach((item, i) => out.push([...prefix, i], ...paths(item, [...prefix, i])));
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (prefix.length === 0 && (key === 'apiVersion' || key === 'kind')) continue;
      out.push([...prefix, key], ...paths(item, [...prefix, key]));
    }
  }
  return out;
}

/** Zeros, empties, nulls and absence, of the value's own type: what Go's omitempty and pointer rules tell apart. */
function replacements(value: unknown): unknown[] {
  const common = [null, undefined];
  if (typeof value === 'string') return [...common, '', 'x', '0'];
  if (typeof value === 'number') return [...common, 0, 1, -1];
  if (typeof value === 'boolean') return [...common, false, true];
  if (Array.isArray(value)) return [...common, [], [null], value.slice(0, 1), [...value, ...value]];
  return [...common, {}];
}

t.test('objects with zeros, empties, nulls and missing fields anywhere: still the protobuf round trip', async (t) => {
  let compared = 0;
  fc.assert(
    fc.property(fc.integer({ min: 0, max: cases.length - 1 }), fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 6 }), (which, edits) => {
      const obj = structuredClone(cases[which]!.object);
      for (const [pathIndex, choice] of edits) {
        const all = paths(obj);
        if (all.length === 0) break;
        const path = all[pathIndex % all.length]!;
        let parent: Record<string | number, unknown> = obj as Record<string, unknown>;
        for (const part of path.slice(0, -1)) parent = parent[part] as Record<string | number, unknown>;
        const last = path[path.length - 1]!;
        const options = replacements(parent[last]);
        const replacement = options[choice % options.length];
        if (replacement === undefined && !Array.isArray(parent)) delete parent[last];
        else parent[last] = structuredClone(replacement ?? null);
      }
      let expected: string | Error;
      try {
        expected = roundTrip(structuredClone(obj));
      } catch (error) {
        expected = error as Error;
      }
      if (expected instanceof Error) {
        // What cannot be encoded cannot be canonicalized either.
        t.throws(() => canonicalForm(structuredClone(obj)));
        return;
      }
      compared++;
      t.equal(JSON.stringify(canonicalForm(structuredClone(obj))), expected, JSON.stringify(obj).slice(0, 300));
    }),
    { numRuns: Number(process.env.RUDDER_FUZZ_RUNS ?? 400), seed: process.env.RUDDER_FUZZ_SEED === undefined ? undefined : Number(process.env.RUDDER_FUZZ_SEED) },
  );
  t.ok(compared > 200, `${compared} objects compared`);
});
