// Kubernetes' strategic merge patch, as the apiserver applies it
// (k8s.io/apimachinery/pkg/util/strategicpatch, the server-side half): maps merge, lists with
// the merge strategy merge by their merge key (or as sets when they hold primitives), other
// lists are replaced, null deletes, and the directives kubectl sends are honoured:
//   $patch: replace | delete | merge     on a map, or as a list element
//   $retainKeys: [fields]                clears the fields of a map not listed
//   $deleteFromPrimitiveList/<field>     removes values from a primitive merge list
//   $setElementOrder/<field>             fixes the order of a merge list (kubectl apply)
// The algorithm, including the order merged lists come out in, follows apimachinery step for
// step, because kubectl apply's three-way patches depend on it.
import { isPlainObject } from '../object.js';
import { patchErrors, goFormat, goTypeName } from './patch-errors.js';
import { hasOwn, type JsonMap, setOwn } from './json-object.js';
import { defaultPatchSchema, type PatchSchema, schemaFieldOf } from './patch-strategies.js';
import { WorkBudget } from './work-budget.js';

type TypeName = string | undefined;
type Kind = 'map' | 'list' | 'string' | 'number' | 'boolean' | 'null';

const DIRECTIVE_MARKER = '$patch';
const RETAIN_KEYS_DIRECTIVE = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST_PREFIX = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER_PREFIX = '$setElementOrder';

const MESSAGES = {
  badPrimitiveList: 'invalid patch format of primitive list',
  badRetainKeys: 'invalid patch format of retainKeys',
  badSetElementOrder: 'invalid patch format of setElementOrder list',
  noListOfLists: 'lists of lists are not supported',
};

const MAP_TYPE = 'map[string]interface {}';
const LIST_TYPE = '[]interface {}';

function kindOf(value: unknown): Kind {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object') return 'map';
  return typeof value as 'string' | 'number' | 'boolean';
}

function noMergeKey(map: unknown, key: string): Error {
  return patchErrors.internal(`map: ${goFormat(map)} does not contain declared merge key: ${key}`);
}

function badArgType(expected: string, actual: unknown): Error {
  return patchErrors.internal(`expected a ${expected}, but received a ${goTypeName(actual)}`);
}

function asMap(value: unknown): JsonMap {
  if (!isPlainObject(value)) throw badArgType(MAP_TYPE, value);
  return value;
}

function asList(value: unknown): unknown[] {
  if (!Array.isArray(value)) throw badArgType(LIST_TYPE, value);
  return value;
}

/** What every step of one merge needs: the patch strategies and the request's work budget. */
interface MergeContext {
  schema: PatchSchema;
  budget: WorkBudget;
}

interface FieldMeta {
  type: TypeName;
  /** The strategy without retainKeys, which only matters to patch producers. */
  strategy: '' | 'merge' | 'replace';
  mergeKey: string;
}

function lookup(schema: PatchSchema, type: TypeName, field: string): FieldMeta {
  const found = schemaFieldOf(type, field, schema);
  let strategy: FieldMeta['strategy'] = '';
  for (const part of found?.strategy?.split(',') ?? []) {
    if (part === 'merge' || part === 'replace') strategy = part;
  }
  return { type: found?.type, strategy, mergeKey: found?.mergeKey ?? '' };
}

/**
 * Applies a strategic merge patch to a copy of `original`; neither input is touched. `rootType`
 * names the object's definition in `schema` (see kindDefinitionName); unknown types merge maps and
 * replace lists.
 */
export function strategicMergePatch(
  original: JsonMap,
  patch: unknown,
  rootType: TypeName,
  schema: PatchSchema = defaultPatchSchema(),
  budget: WorkBudget = new WorkBudget(),
): JsonMap {
  const target = structuredClone(original);
  // A JSON null body decodes to an empty patch.
  if (patch === null || patch === undefined) return target;
  if (!isPlainObject(patch)) {
    const found = Array.isArray(patch) ? 'array' : typeof patch === 'boolean' ? 'bool' : typeof patch;
    throw patchErrors.badRequest(`json: cannot unmarshal ${found} into Go value of type map[string]interface {}`);
  }
  const merged = mergeMap({ schema, budget }, target, structuredClone(patch), rootType);
  return stripDirectives(merged) as JsonMap;
}

function mergeMap(ctx: MergeContext, original: JsonMap | undefined, patch: JsonMap, type: TypeName): JsonMap {
  if (hasOwn(patch, DIRECTIVE_MARKER)) return handleDirectiveInMergeMap(patch[DIRECTIVE_MARKER], patch);
  const target = original ?? {};
  applyRetainKeysDirective(target, patch);
  mergePatchIntoOriginal(ctx, target, patch, type);

  for (const patchKey of Object.keys(patch)) {
    const patchValue = patch[patchKey];
    let key = patchKey;
    let isDeleteList = false;
    if (patchKey.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX)) {
      key = extractKey(patchKey, DELETE_FROM_PRIMITIVE_LIST_PREFIX);
      isDeleteList = true;
    }
    if (patchValue === null) {
      delete target[key];
      continue;
    }
    if (!hasOwn(target, key) || kindOf(target[key]) !== kindOf(patchValue)) {
      // A deletion list for a list that is not there deletes nothing.
      if (!isDeleteList) setWithoutDirectives(target, key, discardNullValues(patchValue));
      continue;
    }
    const meta = lookup(ctx.schema, type, key);
    switch (kindOf(patchValue)) {
      case 'map': {
        const merged = meta.strategy === 'replace' ? patchValue : mergeMap(ctx, target[key] as JsonMap, patchValue as JsonMap, meta.type);
        setOwn(target, key, merged);
        break;
      }
      case 'list':
        setOwn(target, key, mergeSliceHandler(ctx, target[key] as unknown[], patchValue as unknown[], meta, isDeleteList));
        break;
      default:
        setOwn(target, key, patchValue);
    }
  }
  return target;
}

function setWithoutDirectives(target: JsonMap, key: string, value: unknown): void {
  const [cleaned, keep] = removeDirectives(value);
  if (keep) setOwn(target, key, cleaned);
  else delete target[key];
}

function handleDirectiveInMergeMap(directive: unknown, patch: JsonMap): JsonMap {
  if (directive === 'replace') {
    delete patch[DIRECTIVE_MARKER];
    return patch;
  }
  if (directive === 'delete') return {};
  throw patchErrors.internal(`unknown patch type: ${goFormat(directive)} in map: ${goFormat(patch)}`);
}

/** "$setElementOrder/containers" -> "containers". */
function extractKey(text: string, prefix: string): string {
  const slash = text.indexOf('/');
  if (slash < 0 || text.slice(0, slash) !== prefix) {
    throw patchErrors.badRequest(prefix === DELETE_FROM_PRIMITIVE_LIST_PREFIX ? MESSAGES.badPrimitiveList : MESSAGES.badSetElementOrder);
  }
  return text.slice(slash + 1);
}

/** Clears the fields of `original` the $retainKeys list leaves out; the patch may set only listed fields. */
function applyRetainKeysDirective(original: JsonMap, patch: JsonMap): void {
  if (!hasOwn(patch, RETAIN_KEYS_DIRECTIVE)) return;
  const list = patch[RETAIN_KEYS_DIRECTIVE];
  delete patch[RETAIN_KEYS_DIRECTIVE];
  if (!Array.isArray(list)) throw patchErrors.badRequest(MESSAGES.badRetainKeys);
  const retained = new Set<unknown>(list);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || key.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX) || key.startsWith(SET_ELEMENT_ORDER_PREFIX)) continue;
    if (!retained.has(key)) throw patchErrors.badRequest(MESSAGES.badRetainKeys);
  }
  for (const key of Object.keys(original)) {
    if (!retained.has(key)) delete original[key];
  }
}

/**
 * Merges each list named by a $setElementOrder directive together with its patch list, then
 * orders it: the directive's order first, the patch's next, the live object's last.
 */
function mergePatchIntoOriginal(ctx: MergeContext, original: JsonMap, patch: JsonMap, type: TypeName): void {
  for (const directiveKey of Object.keys(patch)) {
    if (!directiveKey.startsWith(SET_ELEMENT_ORDER_PREFIX)) continue;
    const order = patch[directiveKey];
    delete patch[directiveKey];
    const orderList = asList(order);
    const key = extractKey(directiveKey, SET_ELEMENT_ORDER_PREFIX);
    const foundOriginal = hasOwn(original, key);
    const foundPatch = hasOwn(patch, key);
    const originalList = foundOriginal ? asList(original[key]) : [];
    const patchList = foundPatch ? asList(patch[key]) : [];
    const meta = lookup(ctx.schema, type, key);
    validatePatchWithSetOrderList(patchList, orderList, meta.mergeKey);

    let merged: unknown[];
    if (foundOriginal && !foundPatch) merged = originalList;
    else if (!foundOriginal && foundPatch) merged = removeDirectives(patchList)[0] as unknown[];
    else if (foundOriginal && foundPatch) merged = mergeSliceHandler(ctx, originalList, patchList, meta, false);
    else continue;

    const [patchItems, serverOnlyItems] = meta.mergeKey
      ? partitionMapsByPresentInList(ctx.budget, merged, orderList, meta.mergeKey)
      : partitionPrimitivesByPresentInList(merged, orderList);
    const kind = sliceElementKind(originalList, patchList);
    setOwn(original, key, normalizeElementOrder(ctx.budget, patchItems, serverOnlyItems, orderList, originalList, meta.mergeKey, kind));
    delete patch[key];
  }
}

/** The patch list's items (deletions aside) must appear in $setElementOrder, in the same relative order. */
function validatePatchWithSetOrderList(patchList: unknown[], orderList: unknown[], mergeKey: string): void {
  if (orderList.length === 0 || patchList.length === 0) return;
  const nonDeleted = mergeKey ? extractToDeleteItems(patchList)[0] : patchList;
  let patchIndex = 0;
  let orderIndex = 0;
  while (patchIndex < nonDeleted.length && orderIndex < orderList.length) {
    if (isPlainObject(nonDeleted[patchIndex]) && hasOwn(nonDeleted[patchIndex] as JsonMap, DIRECTIVE_MARKER)) {
      patchIndex++;
      continue;
    }
    if (mergeKeyValueEqual(nonDeleted[patchIndex], orderList[orderIndex], mergeKey)) patchIndex++;
    orderIndex++;
  }
  if (patchIndex < nonDeleted.length && orderIndex >= orderList.length) {
    throw patchErrors.internal(
      `the order in patch list:\n${goFormat(patchList)}\n doesn't match ${SET_ELEMENT_ORDER_PREFIX} list:\n${goFormat(orderList)}`,
    );
  }
}

function mergeKeyValueEqual(left: unknown, right: unknown, mergeKey: string): boolean {
  if (!mergeKey) return left === right;
  const leftMap = asMap(left);
  const rightMap = asMap(right);
  if (!hasOwn(leftMap, mergeKey)) throw noMergeKey(leftMap, mergeKey);
  if (!hasOwn(rightMap, mergeKey)) throw noMergeKey(rightMap, mergeKey);
  return leftMap[mergeKey] === rightMap[mergeKey];
}

function mergeSliceHandler(ctx: MergeContext, original: unknown[], patch: unknown[], meta: FieldMeta, isDeleteList: boolean): unknown[] {
  // A deletion list works the same whatever the field's strategy.
  if (meta.strategy === 'merge' || isDeleteList) return mergeSlice(ctx, original, patch, meta, isDeleteList);
  return patch;
}

function mergeSlice(ctx: MergeContext, original: unknown[], patch: unknown[], meta: FieldMeta, isDeleteList: boolean): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = sliceElementKind(original, patch);
  const { mergeKey } = meta;
  let serverOrder = original;
  let patchOrder = patch;
  let merged: unknown[];
  if (kind !== 'map') {
    if (isDeleteList) {
      const doomed = new Set(patch);
      return original.filter((value) => !doomed.has(value));
    }
    merged = [...new Set([...original, ...patch])];
  } else {
    if (!mergeKey) throw patchErrors.internal(`cannot merge lists without merge key for ${meta.type ?? 'list'}`);
    [serverOrder, patchOrder] = mergeSliceWithSpecialElements(ctx.budget, original, patch, mergeKey);
    merged = mergeSliceWithoutSpecialElements(ctx, serverOrder, patchOrder, mergeKey, meta.type);
  }
  const [patchItems, serverOnlyItems] = mergeKey
    ? partitionMapsByPresentInList(ctx.budget, merged, patchOrder, mergeKey)
    : partitionPrimitivesByPresentInList(merged, patchOrder);
  return normalizeElementOrder(ctx.budget, patchItems, serverOnlyItems, patchOrder, serverOrder, mergeKey, kind);
}

/** Applies `$patch: delete` and `$patch: replace` elements; returns the new original and the rest of the patch. */
function mergeSliceWithSpecialElements(budget: WorkBudget, original: unknown[], patch: unknown[], mergeKey: string): [unknown[], unknown[]] {
  const rest: unknown[] = [];
  let replace = false;
  let remaining = original;
  for (const item of patch) {
    const element = item as JsonMap;
    if (!hasOwn(element, DIRECTIVE_MARKER)) {
      rest.push(item);
      continue;
    }
    const directive = element[DIRECTIVE_MARKER];
    if (directive === 'delete') {
      if (!hasOwn(element, mergeKey)) throw noMergeKey(element, mergeKey);
      const doomed = element[mergeKey];
      budget.spend(remaining.length);
      remaining = remaining.filter((entry) => !(isPlainObject(entry) && hasOwn(entry, mergeKey) && entry[mergeKey] === doomed));
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      throw patchErrors.internal('merging lists cannot yet be specified in the patch');
    } else {
      throw patchErrors.internal(`unknown patch type: ${goFormat(directive)} in map: ${goFormat(element)}`);
    }
  }
  return replace ? [rest, []] : [remaining, rest];
}

function mergeSliceWithoutSpecialElements(
  ctx: MergeContext,
  original: unknown[],
  patch: unknown[],
  mergeKey: string,
  type: TypeName,
): unknown[] {
  const merged = [...original];
  for (const item of patch) {
    const element = item as JsonMap;
    if (!hasOwn(element, mergeKey)) throw noMergeKey(element, mergeKey);
    const index = findMapIndex(ctx.budget, merged, mergeKey, element[mergeKey]);
    if (index >= 0) merged[index] = mergeMap(ctx, merged[index] as JsonMap, element, type);
    else merged.push(item);
  }
  return merged;
}

function findMapIndex(budget: WorkBudget, list: unknown[], key: string, value: unknown): number {
  for (let i = 0; i < list.length; i++) {
    budget.spend(1);
    const entry = list[i];
    if (!isPlainObject(entry)) throw patchErrors.internal(`value for key ${i} is not a map`);
    if (hasOwn(entry, key) && entry[key] === value) return i;
  }
  return -1;
}

/** All elements of the lists must share one kind, and lists of lists are refused. */
function sliceElementKind(...lists: unknown[][]): Kind {
  let previous: Kind | undefined;
  for (const list of lists) {
    for (const value of list) {
      const kind = kindOf(value);
      if (previous === undefined) {
        if (kind === 'list') throw patchErrors.unprocessable(MESSAGES.noListOfLists);
        previous = kind;
      } else if (previous !== kind) {
        throw patchErrors.internal(`list element types are not identical: ${goFormat(lists)}`);
      }
    }
  }
  if (previous === undefined) throw patchErrors.internal('no elements in any of the given slices');
  return previous;
}

function partitionPrimitivesByPresentInList(list: unknown[], by: unknown[]): [unknown[], unknown[]] {
  const present = new Set(by);
  return [list.filter((v) => present.has(v)), list.filter((v) => !present.has(v))];
}

function partitionMapsByPresentInList(budget: WorkBudget, list: unknown[], by: unknown[], mergeKey: string): [unknown[], unknown[]] {
  const inPatch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const item of list) {
    const element = asMap(item);
    if (!hasOwn(element, mergeKey)) throw noMergeKey(element, mergeKey);
    if (findMapIndex(budget, by, mergeKey, element[mergeKey]) >= 0) inPatch.push(item);
    else serverOnly.push(item);
  }
  return [inPatch, serverOnly];
}

function extractToDeleteItems(list: unknown[]): [unknown[], unknown[]] {
  const kept: unknown[] = [];
  const deleted: unknown[] = [];
  for (const item of list) {
    const element = asMap(item);
    if (element[DIRECTIVE_MARKER] === 'delete') deleted.push(item);
    else kept.push(item);
  }
  return [kept, deleted];
}

function validateMergeKeyInLists(mergeKey: string, ...lists: unknown[][]): void {
  for (const list of lists) {
    for (const item of list) {
      const element = asMap(item);
      if (!hasOwn(element, mergeKey)) throw noMergeKey(element, mergeKey);
    }
  }
}

/** Position of each item's identity (merge key value, or the value itself) in `order`, first match wins. */
function ranker(order: unknown[], mergeKey: string, kind: Kind): (item: unknown) => number {
  const identity = (item: unknown): unknown => (kind === 'map' ? (isPlainObject(item) ? item[mergeKey] : undefined) : item);
  const positions = new Map<unknown, number>();
  order.forEach((item, i) => {
    const id = identity(item);
    if (!positions.has(id)) positions.set(id, i);
  });
  return (item) => positions.get(identity(item)) ?? -1;
}

/** Sorts `toSort` by `order` with Go's stable insertion sort and apimachinery's comparator. */
function normalizeSliceOrder(budget: WorkBudget, toSort: unknown[], order: unknown[], mergeKey: string, kind: Kind): unknown[] {
  let items = toSort;
  let deleted: unknown[] = [];
  if (kind === 'map') {
    validateMergeKeyInLists(mergeKey, toSort, order);
    [items, deleted] = extractToDeleteItems(toSort);
  }
  const rank = ranker(order, mergeKey, kind);
  const ranked = items.map((item) => ({ item, rank: rank(item) }));
  // An item missing from `order` counts as smaller than anything, as Go's comparator has it.
  const less = (a: { rank: number }, b: { rank: number }): boolean => (a.rank >= 0 && b.rank >= 0 ? a.rank < b.rank : true);
  for (let i = 1; i < ranked.length; i++) {
    for (let j = i; j > 0 && less(ranked[j]!, ranked[j - 1]!); j--) {
      budget.spend(1);
      [ranked[j], ranked[j - 1]] = [ranked[j - 1]!, ranked[j]!];
    }
  }
  return [...ranked.map((r) => r.item), ...deleted];
}

/** Interleaves server-only items into the patch items, keeping each list's own order. */
function mergeSortedSlice(left: unknown[], right: unknown[], serverOrder: unknown[], mergeKey: string, kind: Kind): unknown[] {
  const rank = ranker(serverOrder, mergeKey, kind);
  const merged: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) merged.push(right[j++]);
    else if (j >= right.length) merged.push(left[i++]);
    else {
      const li = rank(left[i]);
      const ri = rank(right[j]);
      if (li >= 0 && ri >= 0 && li < ri) merged.push(left[i++]);
      else merged.push(right[j++]);
    }
  }
  return merged;
}

function normalizeElementOrder(
  budget: WorkBudget,
  patchItems: unknown[],
  serverOnlyItems: unknown[],
  patchOrder: unknown[],
  serverOrder: unknown[],
  mergeKey: string,
  kind: Kind,
): unknown[] {
  const patchSorted = normalizeSliceOrder(budget, patchItems, patchOrder, mergeKey, kind);
  const serverSorted = normalizeSliceOrder(budget, serverOnlyItems, serverOrder, mergeKey, kind);
  return mergeSortedSlice(serverSorted, patchSorted, serverOrder, mergeKey, kind);
}

/** Drops maps carrying $patch from a value about to be added whole; says whether to keep it. */
function removeDirectives(value: unknown): [unknown, boolean] {
  if (Array.isArray(value)) {
    const kept: unknown[] = [];
    for (const item of value) {
      const [cleaned, keep] = removeDirectives(item);
      if (keep) kept.push(cleaned);
    }
    return [kept, true];
  }
  if (isPlainObject(value)) {
    if (hasOwn(value, DIRECTIVE_MARKER)) return [null, false];
    for (const key of Object.keys(value)) {
      const [cleaned, keep] = removeDirectives(value[key]);
      if (keep) setOwn(value, key, cleaned);
      else delete value[key];
    }
  }
  return [value, true];
}

/** Nulls in a value added whole mean nothing: there is nothing under them to delete. */
function discardNullValues(value: unknown): unknown {
  if (Array.isArray(value)) value.forEach(discardNullValues);
  else if (isPlainObject(value)) {
    for (const key of Object.keys(value)) {
      if (value[key] === null) delete value[key];
      else discardNullValues(value[key]);
    }
  }
  return value;
}

function isDirectiveKey(key: string): boolean {
  return (
    key === DIRECTIVE_MARKER ||
    key === RETAIN_KEYS_DIRECTIVE ||
    key.startsWith(`${SET_ELEMENT_ORDER_PREFIX}/`) ||
    key.startsWith(`${DELETE_FROM_PRIMITIVE_LIST_PREFIX}/`)
  );
}

/**
 * Directives left inside replaced or appended values. Kubernetes loses them when it decodes the
 * result into its typed object (no field is called "$patch"); a JSON store must drop them itself.
 */
function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) value.forEach(stripDirectives);
  else if (isPlainObject(value)) {
    for (const key of Object.keys(value)) {
      if (isDirectiveKey(key)) delete value[key];
      else stripDirectives(value[key]);
    }
  }
  return value;
}
