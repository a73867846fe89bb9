// Defaulting mutates request bodies that may hold anything; these helpers only touch values of
// the expected shape and leave the rest for validation to report.
import { isPlainObject } from '../object.js';
import { canonicalQuantity } from '../validation/quantity.js';

export type Rec = Record<string, unknown>;

export function asRec(value: unknown): Rec | undefined {
  return isPlainObject(value) ? value : undefined;
}

export function isUnset(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

/** Sets `key` when it is absent (or null, or an empty string, as Go's zero values are). */
export function setDefault(o: Rec, key: string, value: unknown): void {
  if (isUnset(o[key])) o[key] = value;
}

/** The object at `key`, created when absent; undefined when something else is there. */
export function ensureRec(o: Rec, key: string): Rec | undefined {
  if (o[key] === undefined || o[key] === null) o[key] = {};
  return asRec(o[key]);
}

/** The plain-object entries of the list at `key`. */
export function recs(o: Rec | undefined, key: string): Rec[] {
  const list = o?.[key];
  return Array.isArray(list) ? list.filter(isPlainObject) : [];
}

/** Rewrites the quantities of a resource list in canonical form, as Kubernetes stores them. */
export function canonicalizeResourceList(o: Rec | undefined, key: string, roundToMilli = true): void {
  const list = asRec(o?.[key]);
  if (!list) return;
  for (const [name, value] of Object.entries(list)) {
    const canonical = canonicalQuantity(value, roundToMilli);
    if (canonical !== undefined) list[name] = canonical;
  }
}

/** Rewrites one quantity field (emptyDir.sizeLimit) in canonical form. */
export function canonicalizeQuantityField(o: Rec, key: string): void {
  const canonical = canonicalQuantity(o[key]);
  if (canonical !== undefined) o[key] = canonical;
}
