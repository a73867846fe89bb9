// RFC 6902 JSON Patch with fast-json-patch, failing as the apiserver does: a body that is not a
// list of operation objects is a 400, more than 10000 operations a 413, and an operation that
// cannot apply (a failed test, a missing path, an unknown op) a 422 whose cause says why.
import jsonpatch, { type Operation } from 'fast-json-patch';
import { failure, type StatusError } from '../status.js';
import { unprocessablePatch } from './patch-errors.js';

export const MAX_JSON_PATCH_OPERATIONS = 10000;

function decodeError(found: string): StatusError {
  return failure(400, 'BadRequest', `json: cannot unmarshal ${found} into Go value of type jsonpatch.Patch`);
}

function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value === 'boolean' ? 'bool' : typeof value;
}

/** What evanphx/json-patch (the library Kubernetes uses) says for each failure. */
function causeOf(error: InstanceType<typeof jsonpatch.JsonPatchError>, operation: Record<string, unknown> | undefined): string {
  const op = String(operation?.op ?? 'unknown');
  const path = String(operation?.path ?? '');
  switch (error.name) {
    case 'TEST_OPERATION_FAILED':
      return `testing value ${path} failed: test failed`;
    case 'OPERATION_OP_INVALID':
      return `Unexpected kind: ${op}`;
    case 'OPERATION_PATH_UNRESOLVABLE':
      if (op === 'remove') return `Unable to remove nonexistent key: ${path.slice(path.lastIndexOf('/') + 1)}: missing value`;
      return `${op} operation does not apply: doc is missing key: ${path}: missing value`;
    case 'OPERATION_PATH_CANNOT_ADD':
    case 'OPERATION_VALUE_OUT_OF_BOUNDS':
      return `${op} operation does not apply: doc is missing path: "${path}": missing value`;
    case 'OPERATION_FROM_UNRESOLVABLE':
      return `${op} operation does not apply: doc is missing from path: ${String(operation?.from ?? '')}: missing value`;
    case 'OPERATION_PATH_INVALID':
      return `operation missing path field: missing value`;
    default:
      return error.message.split('\n')[0] ?? error.message;
  }
}

/** Applies the operations to a copy of `document`. */
export function applyJsonPatch(document: Record<string, unknown>, body: unknown): unknown {
  if (!Array.isArray(body)) throw decodeError(jsonKind(body));
  for (const operation of body) {
    if (typeof operation !== 'object' || operation === null || Array.isArray(operation)) {
      throw failure(400, 'BadRequest', `json: cannot unmarshal ${jsonKind(operation)} into Go value of type jsonpatch.Operation`);
    }
  }
  if (body.length > MAX_JSON_PATCH_OPERATIONS) {
    throw failure(413, 'RequestEntityTooLarge', `The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${body.length}`);
  }
  let current: unknown = structuredClone(document);
  const operations = structuredClone(body) as Operation[];
  for (const operation of operations) {
    // fast-json-patch's private "_get" is no RFC 6902 operation.
    if ((operation.op as string) === '_get') throw unprocessablePatch(`Unexpected kind: ${operation.op}`);
    try {
      // One at a time, so a failure names its own operation.
      current = jsonpatch.applyOperation(current, operation, true, true, true).newDocument;
    } catch (error) {
      if (error instanceof jsonpatch.JsonPatchError) {
        throw unprocessablePatch(causeOf(error, operation as unknown as Record<string, unknown>));
      }
      // The library refuses paths through __proto__ with a TypeError.
      if (error instanceof TypeError && error.message.startsWith('JSON-Patch:')) throw unprocessablePatch(error.message);
      throw error;
    }
  }
  return current;
}

/** The JSON patch turning `from` into `to`, as fast-json-patch computes it. */
export function createJsonPatch(from: object, to: object): Operation[] {
  return jsonpatch.compare(from, to);
}
