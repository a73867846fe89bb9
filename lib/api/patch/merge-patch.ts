// RFC 7386 JSON Merge Patch with the details of evanphx/json-patch, which the apiserver uses:
// null deletes, objects merge, anything else replaces; nulls inside a value that is added whole
// are dropped (arrays keep their null elements), and a body that is null or a scalar is the
// 400 "Invalid JSON Patch".
import { isPlainObject } from '../object.js';
import { errors } from '../status.js';
import { isDeepStrictEqual } from 'node:util';
import { getOwn, hasOwn, type JsonMap, setOwn } from './json-object.js';

function pruneNulls(value: unknown): unknown {
  if (Array.isArray(value)) {
    for (const item of value) if (item !== null) pruneNulls(item);
  } else if (isPlainObject(value)) {
    for (const key of Object.keys(value)) {
      if (value[key] === null) delete value[key];
      else pruneNulls(value[key]);
    }
  }
  return value;
}

function mergeDocs(doc: JsonMap, patch: JsonMap): void {
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete doc[key];
      continue;
    }
    const current = getOwn(doc, key);
    if (current === undefined || current === null || !isPlainObject(current)) setOwn(doc, key, pruneNulls(value));
    else if (!isPlainObject(value)) setOwn(doc, key, value);
    else mergeDocs(current, value);
  }
}

/**
 * Applies a merge patch to a copy of `document`. An array body replaces the document, which the
 * caller then refuses as not being an object, as Kubernetes refuses it when decoding.
 */
export function applyMergePatch(document: JsonMap, body: unknown): unknown {
  if (Array.isArray(body)) return pruneNulls(structuredClone(body));
  if (!isPlainObject(body)) throw errors.badRequest('Invalid JSON Patch');
  const doc = structuredClone(document);
  mergeDocs(doc, structuredClone(body));
  return doc;
}

/** The merge patch turning `from` into `to`: changed and new fields, null for removed ones. */
export function createMergePatch(from: JsonMap, to: JsonMap): JsonMap {
  const patch: JsonMap = {};
  for (const key of Object.keys(from)) {
    if (!hasOwn(to, key)) setOwn(patch, key, null);
  }
  for (const [key, value] of Object.entries(to)) {
    const before = getOwn(from, key);
    if (isPlainObject(before) && isPlainObject(value)) {
      const nested = createMergePatch(before, value);
      if (Object.keys(nested).length > 0) setOwn(patch, key, nested);
    } else if (!hasOwn(from, key) || !isDeepStrictEqual(before, value)) {
      setOwn(patch, key, value);
    }
  }
  return patch;
}
