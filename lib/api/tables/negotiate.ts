// The includeObject query parameter of Table requests: what each row carries of its object.
import { errors } from '../status.js';
import type { IncludeObject } from './types.js';

/** Metadata when absent, a BadRequest Status when unknown. */
export function parseIncludeObject(value: unknown): IncludeObject {
  if (value === undefined || value === '') return 'Metadata';
  if (value === 'None' || value === 'Metadata' || value === 'Object') return value;
  throw errors.badRequest(`unrecognized includeObject value: ${JSON.stringify(String(value))}`);
}
