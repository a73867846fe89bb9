// The errors a PATCH can fail with, shaped as the apiserver's patch handler shapes them:
// malformed bodies are 400 and patches that cannot apply are 422 with the library's text as a
// cause. Strategic-merge errors Kubernetes leaves unclassified (it answers them with a bare 500,
// e.g. "map: ... does not contain declared merge key: name") are the client's mistake, so Rudder
// answers them as 400 BadRequest with the same message: a malformed patch never looks like a
// server fault.
import { StatusError, errors, failure } from '../status.js';

/** A message whose HTTP class is decided where the patch is applied. */
export class PatchError extends Error {
  override name = 'PatchError';

  constructor(
    message: string,
    readonly kind: 'badRequest' | 'unprocessable' | 'internal',
  ) {
    super(message);
  }
}

export const patchErrors = {
  badRequest: (message: string): PatchError => new PatchError(message, 'badRequest'),
  unprocessable: (message: string): PatchError => new PatchError(message, 'unprocessable'),
  internal: (message: string): PatchError => new PatchError(message, 'internal'),
};

/** errors.NewGenericServerResponse(422, ...) as the patch handler builds it. */
export function unprocessablePatch(cause: string): StatusError {
  return failure(422, 'Invalid', 'the server rejected our request due to an error in our request', {
    causes: [{ reason: 'UnexpectedServerResponse', message: cause }],
  });
}

export function toStatusError(error: PatchError): StatusError {
  switch (error.kind) {
    case 'badRequest':
      return errors.badRequest(error.message);
    case 'unprocessable':
      return unprocessablePatch(error.message);
    case 'internal':
      return errors.badRequest(error.message);
  }
}

/** Go's %v of a decoded JSON value: map[k:v ...] with sorted keys, [a b], <nil>. */
export function goFormat(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(goFormat).join(' ')}]`;
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const entries = Object.keys(record)
      .sort()
      .map((key) => `${key}:${goFormat(record[key])}`);
    return `map[${entries.join(' ')}]`;
  }
  return String(value);
}

/** The Go type name a decoded JSON value has, for "expected a ..., but received a ..." errors. */
export function goTypeName(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return '[]interface {}';
  if (typeof value === 'object') return 'map[string]interface {}';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int64' : 'float64';
  if (typeof value === 'boolean') return 'bool';
  return 'string';
}
