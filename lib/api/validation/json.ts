// Validation reads request bodies that are arbitrary JSON. These readers return the value at a
// key in the shape the Go types would have decoded (absent → zero value) and record a field
// error, instead of throwing, when the JSON has the wrong type there.
import { type FieldError, type FieldPath, fieldErrors } from '../field-errors.js';
import { isPlainObject } from '../object.js';

export type Rec = Record<string, unknown>;

/** Collects errors while one object is validated. */
export class Errs {
  readonly list: FieldError[] = [];

  add(...errors: FieldError[]): void {
    this.list.push(...errors);
  }

  /** Adds an Invalid error at `path` for every message. */
  invalid(path: FieldPath, value: unknown, messages: readonly string[]): void {
    for (const m of messages) this.list.push(fieldErrors.invalid(path.toString(), value, m));
  }

  get length(): number {
    return this.list.length;
  }
}

function typeError(errs: Errs, path: FieldPath, value: unknown, type: string): void {
  errs.add(fieldErrors.typeInvalid(path.toString(), value, `must be of type ${type}`));
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

export function str(errs: Errs, o: Rec | undefined, key: string, path: FieldPath): string {
  const v = o?.[key];
  if (!present(v)) return '';
  if (typeof v !== 'string') {
    typeError(errs, path.child(key), v, 'string');
    return '';
  }
  return v;
}

export function optStr(errs: Errs, o: Rec | undefined, key: string, path: FieldPath): string | undefined {
  const v = o?.[key];
  if (!present(v)) return undefined;
  if (typeof v !== 'string') {
    typeError(errs, path.child(key), v, 'string');
    return undefined;
  }
  return v;
}

export function optInt(errs: Errs, o: Rec | undefined, key: string, path: FieldPath): number | undefined {
  const v = o?.[key];
  if (!present(v)) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    typeError(errs, path.child(key), v, 'integer');
    return undefined;
  }
  return v;
}

export function int(errs: Errs, o: Rec | undefined, key: string, path: FieldPath): number {
  return optInt(errs, o, key, path) ?? 0;
}

export function optBool(errs: Errs, o: Rec | undefined, key: string, path: FieldPath): boolean | undefined {
  const v = o?.[key];
  if (!present(v)) return undefined;
  if (typeof v !== 'boolean') {
    typeError(errs, path.child(key), v, 'boolean');
    return undefined;
  }
  return v;
}

export function bool(errs: Errs, o: Rec | undefined, key: string, path: FieldPath): boolean {
  return optBool(errs, o, key, path) ?? false;
}

export function rec(errs: Errs, o: Rec | undefined, key: string, path: FieldPath): Rec | undefined {
  const v = o?.[key];
  if (!present(v)) return undefined;
  if (!isPlainObject(v)) {
    typeError(errs, path.child(key), v, 'object');
    return undefined;
  }
  return v;
}

/** A list of objects; entries of another type are reported and read as empty objects. */
export function recList(errs: Errs, o: Rec | undefined, key: string, path: FieldPath): Rec[] {
  const v = o?.[key];
  if (!present(v)) return [];
  if (!Array.isArray(v)) {
    typeError(errs, path.child(key), v, 'array');
    return [];
  }
  return v.map((item, i) => {
    if (isPlainObject(item)) return item;
    typeError(errs, path.child(key).index(i), item, 'object');
    return {};
  });
}

export function strList(errs: Errs, o: Rec | undefined, key: string, path: FieldPath): string[] {
  const v = o?.[key];
  if (!present(v)) return [];
  if (!Array.isArray(v)) {
    typeError(errs, path.child(key), v, 'array');
    return [];
  }
  return v.map((item, i) => {
    if (typeof item === 'string') return item;
    typeError(errs, path.child(key).index(i), item, 'string');
    return '';
  });
}

/** A map[string]string (labels, annotations, selectors, ConfigMap data). */
export function strMap(errs: Errs, o: Rec | undefined, key: string, path: FieldPath): Record<string, string> | undefined {
  const v = o?.[key];
  if (!present(v)) return undefined;
  if (!isPlainObject(v)) {
    typeError(errs, path.child(key), v, 'object');
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) {
    if (typeof val === 'string') out[k] = val;
    else if (val !== null) typeError(errs, path.child(key).key(k), val, 'string');
  }
  return out;
}

/** An int-or-string field (targetPort, maxSurge): the raw JSON value when it has one of those types. */
export function intOrString(errs: Errs, o: Rec | undefined, key: string, path: FieldPath): number | string | undefined {
  const v = o?.[key];
  if (!present(v)) return undefined;
  if (typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v))) return v;
  typeError(errs, path.child(key), v, 'integer or string');
  return undefined;
}

/** Text of a scalar for keys and messages; objects (which may not even convert) read as ''. */
export function scalarText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}

export function asRec(value: unknown): Rec | undefined {
  return isPlainObject(value) ? value : undefined;
}

