// An object walked by its schema, as structured-merge-diff walks a typed value: the set of fields
// an applied configuration sets, the fields that differ between two objects, the merge of an
// applied configuration into the live object, and the removal of fields from an object.
import { isDeepStrictEqual } from 'node:util';
import { compareElements, fieldElement, FieldSet, indexElement, keyElement, valueElement, type FieldPath, type PathElement } from './field-set.js';
import { DEDUCED, fieldType, isStructField, type FieldType } from './schema.js';

type Json = unknown;
type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Key fields an item may leave out, filled as the built-in schemas default them. */
const KEY_DEFAULTS: Readonly<Record<string, unknown>> = { protocol: 'TCP' };

function itemElement(type: FieldType & { kind: 'list' }, item: Json, index: number): PathElement {
  if (type.listType === 'set') return valueElement(item);
  if (type.listType === 'map' && isObject(item)) {
    const missing = type.keys.filter((key) => item[key] === undefined);
    if (missing.length === 0) return keyElement(item, type.keys);
    const filled: JsonObject = { ...item };
    for (const key of missing) if (KEY_DEFAULTS[key] !== undefined) filled[key] = KEY_DEFAULTS[key];
    return keyElement(filled, type.keys);
  }
  return indexElement(index);
}

function isLeaf(type: FieldType, value: Json): boolean {
  switch (type.kind) {
    case 'scalar':
      return true;
    case 'list':
      return type.listType === 'atomic' || !Array.isArray(value);
    case 'struct':
    case 'map':
      return type.atomic || !isObject(value);
    case 'deduced':
      return !isObject(value);
  }
}

/** Whether a newly added or removed node of this type is itself recorded (maps and lists are; structs are not). */
function recordsNode(type: FieldType): boolean {
  return type.kind === 'map' || type.kind === 'list' || type.kind === 'deduced';
}

function isEmptyObject(value: Json): boolean {
  return isObject(value) && Object.keys(value).length === 0;
}

/** The fields an applied configuration sets: every leaf, list item, and map key it names. */
export function toFieldSet(value: Json, type: FieldType): FieldSet {
  const set = new FieldSet();
  collect(value, type, set);
  return set;
}

function collect(value: Json, type: FieldType, node: FieldSet): boolean {
  if (value === null || value === undefined || isLeaf(type, value)) return true;
  if (Array.isArray(value)) {
    const list = type as FieldType & { kind: 'list' };
    value.forEach((item, index) => {
      const child = node.child(itemElement(list, item, index));
      collect(item, list.element(), child);
      child.member = true;
    });
    return value.length === 0;
  }
  for (const [key, child] of Object.entries(value as JsonObject)) {
    const next = node.child(fieldElement(key));
    const leaf = collect(child, fieldType(type, key), next);
    if (leaf || child === null || isEmptyObject(child) || !isStructField(type, key)) next.member = true;
  }
  return false;
}

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** What changed from `before` to `after`, field by field. */
export function compare(before: Json, after: Json, type: FieldType): Comparison {
  const result = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  walkCompare(before, after, type, [], result);
  return result;
}

function walkCompare(before: Json, after: Json, type: FieldType, path: PathElement[], out: Comparison): void {
  if (before === undefined && after === undefined) return;
  const leaf = (before === undefined || before === null || isLeaf(type, before)) && (after === undefined || after === null || isLeaf(type, after));
  const mixed = before !== undefined && after !== undefined && Array.isArray(before) !== Array.isArray(after);
  if (leaf || mixed || ((before === undefined || isEmptyObject(before)) && (after === undefined || isEmptyObject(after)))) {
    if (path.length === 0) return;
    if (before === undefined) out.added.insert(path);
    else if (after === undefined) out.removed.insert(path);
    else if (!isDeepStrictEqual(before, after)) out.modified.insert(path);
    return;
  }
  if (path.length > 0 && recordsNode(type)) {
    if (before === undefined || before === null) out.added.insert(path);
    else if (after === undefined || after === null) out.removed.insert(path);
  }
  if (Array.isArray(before) || Array.isArray(after)) {
    const list = type as FieldType & { kind: 'list' };
    const old = keyed(list, before);
    const next = keyed(list, after);
    for (const [element, item] of next) {
      path.push(element);
      const prior = old.get(element);
      if (prior === undefined) out.added.insert(path);
      walkCompare(prior, item, list.element(), path, out);
      path.pop();
    }
    for (const [element, item] of old) {
      if (next.has(element)) continue;
      path.push(element);
      out.removed.insert(path);
      walkCompare(item, undefined, list.element(), path, out);
      path.pop();
    }
    return;
  }
  const a = isObject(before) ? before : {};
  const b = isObject(after) ? after : {};
  for (const key of Object.keys(b)) {
    path.push(fieldElement(key));
    walkCompare(a[key], b[key], fieldType(type, key), path, out);
    path.pop();
  }
  for (const key of Object.keys(a)) {
    if (key in b) continue;
    path.push(fieldElement(key));
    walkCompare(a[key], undefined, fieldType(type, key), path, out);
    path.pop();
  }
}

/** Which fields of a new object no manager owns: by their depth (0: the object's own fields) and name. */
export type SkipField = (depth: number, parent: string | undefined, name: string) => boolean;

/**
 * The FieldsV1 JSON of everything in a new object — what compare(undefined, value).added holds —
 * built directly, without field sets: the cheap path of a create. `skip` leaves out a field and
 * all below it (the fields no manager owns).
 */
export function addedFieldsV1(value: Json, type: FieldType, skip: SkipField): Record<string, unknown> {
  return addedNode(value, type, 0, undefined, skip) ?? {};
}

function addedNode(value: Json, type: FieldType, depth: number, name: string | undefined, skip: SkipField): Record<string, unknown> | undefined {
  if (value === null || typeof value !== 'object' || isLeaf(type, value)) return depth > 0 ? {} : undefined;
  const records = depth > 0 && recordsNode(type);
  let out: Record<string, unknown> | undefined;
  if (Array.isArray(value)) {
    if (value.length === 0) return {};
    const list = type as FieldType & { kind: 'list' };
    const items: [PathElement, Record<string, unknown>][] = [];
    for (let index = 0; index < value.length; index++) {
      const node = addedNode(value[index], list.element(), depth + 1, undefined, skip) ?? {};
      // A list item is itself a member.
      items.push([itemElement(list, value[index], index), node['.'] === undefined && Object.keys(node).length > 0 ? { '.': {}, ...node } : node]);
    }
    if (items.length > 1) items.sort((a, b) => compareElements(a[0], b[0]));
    out = { '.': {} };
    for (const [element, node] of items) out[element] = node;
    return out;
  }
  const keys = Object.keys(value);
  if (keys.length === 0) return depth > 0 ? {} : undefined;
  keys.sort();
  for (const key of keys) {
    if (skip(depth, name, key)) continue;
    const node = addedNode((value as JsonObject)[key], fieldType(type, key), depth + 1, key, skip);
    if (node === undefined) continue;
    out ??= records ? { '.': {} } : {};
    out[`f:${key}`] = node;
  }
  return out ?? (records ? {} : undefined);
}

function keyed(type: FieldType & { kind: 'list' }, value: Json): Map<PathElement, Json> {
  const items = new Map<PathElement, Json>();
  if (Array.isArray(value)) value.forEach((item, index) => items.set(itemElement(type, item, index), item));
  return items;
}

/**
 * The applied configuration merged into the live object: struct fields and map keys merge one by
 * one, keyed lists and sets item by item (see mergeItems for the order), everything else — scalars, atomic lists and maps — is replaced. A null
 * in the configuration removes the field.
 */
export function merge(live: Json, config: Json, type: FieldType): Json {
  if (config === undefined) return live;
  if (live === undefined || live === null || config === null || isLeaf(type, config) || isLeaf(type, live)) return structuredClone(config);
  if (Array.isArray(config)) {
    if (!Array.isArray(live)) return structuredClone(config);
    return mergeItems(live, config, type as FieldType & { kind: 'list' });
  }
  if (!isObject(live) || !isObject(config)) return structuredClone(config);
  const out: JsonObject = { ...live };
  for (const [key, value] of Object.entries(config)) {
    if (value === null) delete out[key];
    else out[key] = merge(live[key], value, fieldType(type, key));
  }
  return out;
}

/**
 * A keyed list or set merged item by item, in structured-merge-diff's order: the items both
 * name follow the configuration's order, the configuration's new items stand where it puts them,
 * and items only the live list has keep their place among the others.
 */
function mergeItems(live: Json[], config: Json[], type: FieldType & { kind: 'list' }): Json[] {
  const left = live.map((item, i) => itemElement(type, item, i));
  const right = config.map((item, i) => itemElement(type, item, i));
  const liveItems = new Map(left.map((element, i) => [element, live[i]]));
  const configItems = new Map(right.map((element, i) => [element, config[i]]));
  const shared = right.filter((element) => liveItems.has(element));
  let next = 0;
  const merged = new Set<PathElement>();
  const out: Json[] = [];
  const take = (element: PathElement): void => {
    merged.add(element);
    out.push(merge(liveItems.get(element), configItems.get(element), type.element()));
    if (shared[next] === element) next++;
  };
  let l = 0;
  let r = 0;
  while (l < left.length || r < right.length) {
    if (l < left.length && r < right.length) {
      const element = left[l]!;
      if (element === right[r]) {
        take(element);
        l++;
        r++;
        continue;
      }
      // A shared item whose turn in the configuration's order has not come.
      if (configItems.has(element) && next < shared.length && shared[next] !== element) {
        l++;
        continue;
      }
    }
    if (l < left.length) {
      const element = left[l]!;
      if (!configItems.has(element)) {
        out.push(live[l]);
        l++;
        continue;
      }
      if (merged.has(element)) {
        l++;
        continue;
      }
    }
    if (r < right.length) {
      take(right[r]!);
      r++;
    }
  }
  return out;
}

/**
 * Removes the value at `path` from `value` (in place) and any map or list the removal leaves
 * empty, unless `keep` says that container is itself owned.
 */
export function removeAt(value: Json, path: FieldPath, type: FieldType, keep: FieldSet, depth = 0): void {
  const element = path[depth]!;
  const last = depth === path.length - 1;
  if (Array.isArray(value)) {
    if (type.kind !== 'list') return;
    const index = value.findIndex((item, i) => itemElement(type, item, i) === element);
    if (index < 0) return;
    if (!last) {
      removeAt(value[index], path, type.element(), keep, depth + 1);
      if (!isEmptyContainer(value[index]) || keep.coversOrBelow(path.slice(0, depth + 1))) return;
    }
    value.splice(index, 1);
    return;
  }
  if (!isObject(value) || element[0] !== 'f') return;
  const key = element.slice(2);
  if (!(key in value)) return;
  if (!last) {
    removeAt(value[key], path, fieldType(type, key), keep, depth + 1);
    if (!isEmptyContainer(value[key]) || keep.coversOrBelow(path.slice(0, depth + 1))) return;
  }
  delete value[key];
}

function isEmptyContainer(value: Json): boolean {
  return (Array.isArray(value) && value.length === 0) || isEmptyObject(value);
}

export { DEDUCED };
