// RFC 6902 JSON Patch with fast-json-patch, failing as the apiserver does: a body that is not a
// list of operation objects is a 400, more than 10000 operations a 413, and an operation that
// cannot apply (a failed test, a missing path, an unknown op) a 422 whose cause says why.
// The work is bounded while the patch applies, not after: copies may add at most 3 MiB in all
// (kube-apiserver's AccumulatedCopySizeLimit, a 413), and every operation pays for what it walks
// and shifts from the request's work budget.
import jsonpatch, { type Operation } from 'fast-json-patch';
import { estimateJsonBytes, MAX_OBJECT_BYTES } from '../json-value.js';
import { failure, type StatusError } from '../status.js';
import { unprocessablePatch } from './patch-errors.js';
import { WorkBudget } from './work-budget.js';

export const MAX_JSON_PATCH_OPERATIONS = 10000;

/** The value at a JSON pointer, or undefined when it does not resolve. */
function valueAt(document: unknown, pointer: string): unknown {
  try {
    return jsonpatch.getValueByPointer(document, pointer);
  } catch {
    return undefined;
  }
}

function parentPointer(pointer: string): string {
  return pointer.slice(0, Math.max(0, pointer.lastIndexOf('/')));
}

/** Elements an operation shifts: inserting into or removing from an array moves what follows. */
function shifted(document: unknown, pointer: string): number {
  const parent = valueAt(document, parentPointer(pointer));
  return Array.isArray(parent) ? parent.length : 0;
}

/** The steps an operation takes, charged before it runs. */
function chargeFor(document: unknown, operation: Operation): number {
  const path = String(operation.path ?? '');
  let steps = 1 + path.length;
  switch (operation.op) {
    case 'add':
    case 'remove':
      steps += shifted(document, path);
      break;
    case 'move':
    case 'copy':
      steps += shifted(document, path) + shifted(document, String(operation.from ?? ''));
      break;
    case 'test':
      steps += estimateJsonBytes(operation.value, MAX_OBJECT_BYTES);
      break;
    default:
      break;
  }
  return steps;
}

function copyLimitError(accumulated: number): StatusError {
  return failure(
    413,
    'RequestEntityTooLarge',
    `Request entity too large: Unable to complete the copy, the accumulated size increase of copy is ${accumulated}, exceeding the limit ${MAX_OBJECT_BYTES}`,
  );
}

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
export function applyJsonPatch(document: Record<string, unknown>, body: unknown, budget: WorkBudget = new WorkBudget()): unknown {
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
  let copied = 0;
  for (const operation of operations) {
    // fast-json-patch's private "_get" is no RFC 6902 operation.
    if ((operation.op as string) === '_get') throw unprocessablePatch(`Unexpected kind: ${operation.op}`);
    budget.spend(chargeFor(current, operation));
    if (operation.op === 'copy') {
      const size = estimateJsonBytes(valueAt(current, String(operation.from ?? '')), MAX_OBJECT_BYTES - copied);
      copied += size;
      if (copied > MAX_OBJECT_BYTES) throw copyLimitError(copied);
      budget.spend(size);
    }
    if ((current === null || typeof current !== 'object') && operation.path !== '') {
      // The root was replaced by null or a scalar: nothing lies under it (fast-json-patch would throw a TypeError walking it).
      throw unprocessablePatch(`${String(operation.op)} operation does not apply: doc is missing path: "${String(operation.path)}": missing value`);
    }
    if ((operation.op === 'move' || operation.op === 'copy') && valueAt(current, String(operation.from ?? '')) === undefined) {
      // fast-json-patch checks `from` except when the destination is the root: the document would become undefined.
      throw unprocessablePatch(`${operation.op} operation does not apply: doc is missing from path: ${String(operation.from ?? '')}: missing value`);
    }
    if (operation.op === 'move' && typeof operation.path === 'string' && typeof operation.from === 'string' && operation.path.startsWith(`${operation.from}/`)) {
      // evanphx/json-patch removes `from` first, and then the destination's parent is gone.
      throw unprocessablePatch(`move operation does not apply: doc is missing destination path: ${operation.path}: missing value`);
    }
    try {
      // One at a time, so a failure names its own operation.
      current = jsonpatch.applyOperation(current, operation, true, true, true).newDocument;
    } catch (error) {
      if (error instanceof jsonpatch.JsonPatchError) {
        throw unprocessablePatch(causeOf(error, operation as unknown as Record<string, unknown>));
      }
      // The library refuses paths through __proto__ with a TypeError.
      if (error instanceof TypeError && error.message.startsWith('JSON-Patch:')) throw unprocessablePatch(error.message);
      // Any other TypeError is the library walking into a container that is not there (a move
      // whose destination went away with its source, as in evanphx/json-patch).
      if (error instanceof TypeError) {
        throw unprocessablePatch(`${String(operation.op)} operation does not apply: doc is missing path: "${String(operation.path)}": missing value`);
      }
      throw error;
    }
  }
  return current;
}

/** The JSON patch turning `from` into `to`, as fast-json-patch computes it. */
export function createJsonPatch(from: object, to: object): Operation[] {
  return jsonpatch.compare(from, to);
}
