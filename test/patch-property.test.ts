import t, { type Test } from 'tap';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { findResource, type ResourceInfo } from '../lib/api/resources.js';
import type { KubeObject } from '../lib/api/object.js';
import {
  applyPatch,
  createJsonPatch,
  createMergePatch,
  JSON_PATCH,
  MERGE_PATCH,
  STRATEGIC_MERGE_PATCH,
} from '../lib/api/patch/index.js';

const configmaps = findResource('', 'v1', 'configmaps') as ResourceInfo;

// Few keys, so that A and B share fields often; no nulls, which merge patches reserve for deletion.
const key = fc.constantFrom('a', 'b', 'c', 'data', 'spec', 'x-y');
const { document } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.string({ maxLength: 6 }),
    fc.integer(),
    fc.boolean(),
    fc.array(tie('scalarOrDocument'), { maxLength: 3 }),
    tie('document'),
  ),
  scalarOrDocument: fc.oneof(fc.string({ maxLength: 4 }), fc.integer(), tie('document')),
  document: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
}));
// As decoded from JSON: plain objects (fast-check's dictionaries have no prototype).
const object = document.map((value) => JSON.parse(JSON.stringify(value)) as KubeObject);

/** Runs a property; a counterexample fails the test with fast-check's report. */
function holds(t: Test, property: fc.IProperty<unknown[]>, numRuns: number): void {
  t.doesNotThrow(() => fc.assert(property, { numRuns }));
}

t.test('the merge patch from A to B turns A into B', async (t) => {
  holds(
    t,
    fc.property(object, object, (a, b) => isDeepStrictEqual(applyPatch(configmaps, a, MERGE_PATCH, createMergePatch(a, b)), b)),
    300,
  );
});

t.test('the json patch fast-json-patch computes from A to B turns A into B', async (t) => {
  holds(
    t,
    fc.property(object, object, (a, b) => isDeepStrictEqual(applyPatch(configmaps, a, JSON_PATCH, createJsonPatch(a, b)), b)),
    300,
  );
});

t.test('on fields without patch metadata a strategic merge patch is a merge patch', async (t) => {
  holds(
    t,
    fc.property(object, object, (a, b) => {
      const patch = createMergePatch(a, b);
      return isDeepStrictEqual(applyPatch(configmaps, a, STRATEGIC_MERGE_PATCH, patch), applyPatch(configmaps, a, MERGE_PATCH, patch));
    }),
    300,
  );
});

t.test('patching never changes its inputs', async (t) => {
  holds(
    t,
    fc.property(object, object, fc.constantFrom(MERGE_PATCH, JSON_PATCH, STRATEGIC_MERGE_PATCH), (a, b, type) => {
      const patch = type === JSON_PATCH ? createJsonPatch(a, b) : createMergePatch(a, b);
      const before = structuredClone([a, patch]);
      applyPatch(configmaps, a, type, patch);
      return isDeepStrictEqual([a, patch], before);
    }),
    200,
  );
});
