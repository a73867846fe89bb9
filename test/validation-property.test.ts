// Properties: validation answers with errors and never throws, whatever JSON it is given, and
// defaulting twice gives the same object as defaulting once.
import fc from 'fast-check';
import t from 'tap';
import { isDeepStrictEqual } from 'node:util';
import { applyDefaults } from '../lib/api/defaults/index.js';
import { formatFieldError } from '../lib/api/field-errors.js';
import type { KubeObject } from '../lib/api/object.js';
import { RESOURCES } from '../lib/api/resources.js';
import { validateBinding, validateCreate, validateScale, validateStatusUpdate, validateUpdate } from '../lib/api/validation/index.js';
import { anyKubeObject } from './validation-arbitraries.js';

const RUNS = 300;
const infoOf = (kind: string) => RESOURCES.find((r) => r.kind === kind)!;

t.test('validateCreate returns errors instead of throwing on arbitrary JSON', async (t) => {
  fc.assert(
    fc.property(fc.constantFrom(...RESOURCES), fc.jsonValue(), (info, value) => {
      const errors = validateCreate(info, value as KubeObject);
      errors.forEach(formatFieldError);
      return Array.isArray(errors);
    }),
    { numRuns: RUNS },
  );
  t.pass('no input threw');
});

t.test('validation of generated objects never throws, defaulted or not, on create and update', async (t) => {
  fc.assert(
    fc.property(anyKubeObject, anyKubeObject, fc.boolean(), ({ kind, obj }, other, defaulted) => {
      const info = infoOf(kind);
      const next = structuredClone(obj);
      const old = structuredClone({ ...other.obj, kind: obj.kind, apiVersion: obj.apiVersion });
      if (defaulted) {
        applyDefaults(info, next);
        applyDefaults(info, old);
      }
      for (const errors of [validateCreate(info, next), validateUpdate(info, next, old), validateStatusUpdate(info, next, old)]) {
        errors.forEach(formatFieldError);
      }
      return true;
    }),
    { numRuns: RUNS },
  );
  t.pass('no input threw');
});

t.test('Scale and Binding bodies never make validation throw', async (t) => {
  fc.assert(
    fc.property(fc.anything(), (value) => {
      validateScale(value as KubeObject).forEach(formatFieldError);
      validateBinding(value as KubeObject).forEach(formatFieldError);
      return true;
    }),
    { numRuns: RUNS },
  );
  t.pass('no input threw');
});

t.test('applyDefaults is idempotent', async (t) => {
  fc.assert(
    fc.property(anyKubeObject, anyKubeObject, fc.constantFrom<'create' | 'update'>('create', 'update'), ({ kind, obj }, other, operation) => {
      const info = infoOf(kind);
      const old = { ...other.obj, kind: obj.kind, apiVersion: obj.apiVersion };
      const once = structuredClone(obj);
      applyDefaults(info, once, { operation, old });
      const twice = structuredClone(once);
      applyDefaults(info, twice, { operation, old });
      return isDeepStrictEqual(once, twice);
    }),
    { numRuns: RUNS },
  );
  fc.assert(
    fc.property(fc.constantFrom(...RESOURCES), fc.jsonValue(), (info, value) => {
      const once = structuredClone(value) as KubeObject;
      applyDefaults(info, once);
      const twice = structuredClone(once);
      applyDefaults(info, twice);
      return isDeepStrictEqual(once, twice);
    }),
    { numRuns: RUNS },
  );
  t.pass('defaulting twice equals defaulting once');
});

/** Only what JSON can carry: no undefined members, functions or non-finite numbers. */
function isJsonValue(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isJsonValue);
  if (typeof value === 'object') return Object.values(value as object).every((v) => v !== undefined && isJsonValue(v));
  return false;
}

t.test('defaulted objects stay valid JSON', async (t) => {
  fc.assert(
    fc.property(anyKubeObject, ({ kind, obj }) => {
      const o = structuredClone(obj);
      applyDefaults(infoOf(kind), o);
      return isJsonValue(o);
    }),
    { numRuns: RUNS },
  );
  t.pass('nothing but JSON values added');
});
