// Random patches of the four kinds against an object as it is stored: JSON patches with every op
// (copy, move and test included) on paths that exist, paths that almost exist and junk; merge
// patches with nulls and nested junk; strategic merge patches with their directives ($patch,
// $retainKeys, $setElementOrder, $deleteFromPrimitiveList) on the object's real lists. Values
// are the object's own (moved, copied, tweaked) or hostile ones drawn from `values`. Apply
// configurations are such merge patches naming the object (usually) by its kind and name.
import type { Dice } from './dice.js';
import { copyContainers } from './hostile-values.js';

export const PATCH_CONTENT_TYPES = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;
export type PatchKind = keyof typeof PATCH_CONTENT_TYPES;

type Key = string | number;

interface Place {
  keys: Key[];
  value: unknown;
}

/** A plain object (a Uint8Array or a Map among the hostile values is no place to write keys into). */
function isObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Every place in a JSON value, the root excluded. */
function places(root: unknown): Place[] {
  const out: Place[] = [];
  const walk = (value: unknown, keys: Key[]): void => {
    if (keys.length > 14) return;
    const entries: [Key, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : isObject(value) ? Object.entries(value) : [];
    for (const [key, child] of entries) {
      const path = [...keys, key];
      out.push({ keys: path, value: child });
      walk(child, path);
    }
  };
  walk(root, []);
  return out;
}

function pointer(keys: readonly Key[]): string {
  return keys.map((key) => `/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

class PatchMaker {
  private readonly all: Place[];

  constructor(
    private readonly current: Record<string, unknown>,
    private readonly d: Dice,
    private readonly hostile: readonly unknown[],
  ) {
    this.all = places(current);
  }

  private place(): Place | undefined {
    return this.all.length === 0 ? undefined : this.d.pick(this.all);
  }

  /**
   * A value a user might write in place of `was`: mostly one of its own type (the same, a tweak
   * of it), else a hostile one, or one from elsewhere in the object.
   */
  value(was?: unknown): unknown {
    const d = this.d;
    // A copy each time: the patch stays a tree when one value is drawn twice.
    if (this.hostile.length > 0 && d.chance(0.25)) return copyContainers(d.pick(this.hostile));
    const source = was !== undefined && d.chance(0.75) ? was : this.place()?.value;
    if (typeof source === 'string') return d.pick([source, source, `${source}x`, `${source}-2`, source.toLowerCase(), '', 'nginx:2', '250m', '1Gi']);
    if (typeof source === 'number') return d.pick([source, source + 1, Math.max(0, source - 1), 0, 2 ** 31, 1.5]);
    if (typeof source === 'boolean') return d.chance(0.8) ? !source : 'true';
    if (source === undefined || d.chance(0.2)) return d.pick<unknown>(['x', 1, true, null, {}, [], { name: 'added', image: 'busybox' }, ['a', 'b']]);
    return structuredClone(source);
  }

  /** An operation a user would likely write: on labels and annotations, or a leaf replaced with one of its type. */
  private sensibleOperation(): Record<string, unknown> {
    const d = this.d;
    const meta = isObject(this.current.metadata) ? this.current.metadata : {};
    const key = `fuzz.example.com/${d.pick(['a', 'b', 'c'])}`;
    const leaves = this.all.filter((p) => typeof p.value !== 'object' || p.value === null);
    switch (d.int(0, 5)) {
      case 0:
        return isObject(meta.labels) ? { op: 'add', path: pointer(['metadata', 'labels', key]), value: d.pick(['x', 'y', '']) } : { op: 'add', path: '/metadata/labels', value: { [key]: 'x' } };
      case 1:
        return isObject(meta.annotations) ? { op: 'add', path: pointer(['metadata', 'annotations', key]), value: d.pick(['note', '🙂', '']) } : { op: 'add', path: '/metadata/annotations', value: { [key]: 'y' } };
      case 2: {
        const labels = this.all.filter((p) => p.keys.length === 3 && p.keys[0] === 'metadata' && (p.keys[1] === 'labels' || p.keys[1] === 'annotations'));
        return labels.length > 0 ? { op: 'remove', path: pointer(d.pick(labels).keys) } : { op: 'test', path: '/kind', value: this.current.kind };
      }
      case 3: {
        const leaf = leaves.length > 0 ? d.pick(leaves) : undefined;
        return leaf ? { op: 'test', path: pointer(leaf.keys), value: leaf.value } : { op: 'test', path: '', value: this.current };
      }
      default: {
        const leaf = leaves.length > 0 ? d.pick(leaves) : undefined;
        return leaf ? { op: 'replace', path: pointer(leaf.keys), value: this.value(leaf.value) } : { op: 'add', path: '/metadata/labels', value: {} };
      }
    }
  }

  private path(): unknown {
    const d = this.d;
    const at = this.place();
    const roll = d.next();
    if (at !== undefined && roll < 0.65) return pointer(at.keys);
    if (at !== undefined && roll < 0.85) {
      const parent = at.keys.slice(0, -1);
      const container = Array.isArray(at.value) ? at.keys : parent;
      return `${pointer(container)}/${d.pick(['-', '0', '1', '99', 'new', 'name', '~1', '~0x', ''])}`;
    }
    if (roll < 0.97) return d.pick(['', '/', '/~', '/~2', '/a~', '/metadata/labels/a~1b', '/spec/containers/01', '/spec/containers/-1', '/spec/containers/99999999999', '/__proto__/polluted', '/constructor/prototype/x', '/metadata/name', '/metadata/resourceVersion', '/metadata/uid', '/kind', '/apiVersion', '/status', '/metadata/managedFields']);
    return d.pick<unknown>([5, null, { path: '/a' }, ['/a']]);
  }

  jsonPatch(): unknown {
    const d = this.d;
    if (d.chance(0.03)) return d.pick<unknown>([{}, 'add', null, [[]], { op: 'add', path: '/a', value: 1 }]);
    const ops: unknown[] = [];
    for (let n = d.pick([1, 1, 1, 2, 2, 3, 6]); n > 0; n--) {
      if (d.chance(0.6)) {
        ops.push(this.sensibleOperation());
        continue;
      }
      const op = d.pick(['add', 'add', 'add', 'replace', 'replace', 'replace', 'remove', 'remove', 'test', 'copy', 'move', 'Add', 'nope']);
      const path = this.path();
      const entry: Record<string, unknown> = { op, path };
      if (op === 'copy' || op === 'move') entry.from = this.path();
      if (op === 'test') entry.value = typeof path === 'string' && d.chance(0.7) ? this.at(path) : this.value();
      else if (op !== 'remove' && op !== 'copy' && op !== 'move') entry.value = this.value(typeof path === 'string' ? this.at(path) : undefined);
      if (d.chance(0.05)) delete entry[d.pick(['op', 'path', 'value', 'from'])];
      if (d.chance(0.05)) entry[d.pick(['extra', 'value', 'from'])] = this.value();
      ops.push(entry);
    }
    return ops;
  }

  /** The current value at a JSON pointer (undefined when there is none). */
  private at(path: string): unknown {
    return this.all.find((p) => pointer(p.keys) === path)?.value;
  }

  /** A patch object that sets `keys` to `value`, arrays replaced whole (merge patches cannot reach into them). */
  private into(patch: Record<string, unknown>, keys: readonly Key[], value: unknown): void {
    let node = patch;
    let source: unknown = this.current;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const next = Array.isArray(source) || !isObject(source) ? undefined : source[String(key)];
      const last = i === keys.length - 1;
      if (last) {
        node[String(key)] = value;
        return;
      }
      if (Array.isArray(next)) {
        const copy = structuredClone(next) as unknown[];
        const index = Number(keys[i + 1]);
        if (this.d.chance(0.3)) copy.splice(index, 1);
        else copy[index] = i + 1 === keys.length - 1 ? value : this.value(copy[index]);
        node[String(key)] = copy;
        return;
      }
      const child = node[String(key)];
      node = isObject(child) ? child : ((node[String(key)] = {}) as Record<string, unknown>);
      source = next;
    }
  }

  mergePatch(): unknown {
    const d = this.d;
    if (d.chance(0.03)) return d.pick<unknown>([[], 'x', null, 5, [{ op: 'add' }]]);
    const patch: Record<string, unknown> = {};
    for (let n = d.pick([1, 1, 2, 3, 4]); n > 0; n--) {
      const at = this.place();
      if (at === undefined) break;
      this.into(patch, at.keys, d.chance(0.15) ? null : this.value(at.value));
    }
    if (d.chance(0.1)) patch[d.pick(['metadata', 'spec', 'status', 'extra', 'data'])] = d.pick<unknown>([null, { nested: { junk: [1, { deeper: null }] } }, this.value()]);
    return patch;
  }

  /** A merge patch, with strategic directives where the object has lists and maps. */
  strategicPatch(): unknown {
    const d = this.d;
    const patch = this.mergePatch();
    if (!isObject(patch)) return patch;
    const lists = this.all.filter((p) => Array.isArray(p.value) && p.keys.length < 8);
    for (let n = d.int(0, 3); n > 0 && lists.length > 0; n--) {
      const list = d.pick(lists);
      const items = list.value as unknown[];
      const field = String(list.keys[list.keys.length - 1]);
      const parentKeys = list.keys.slice(0, -1);
      const objects = items.filter(isObject);
      const mergeKey = objects.length > 0 ? d.pick(['name', 'containerPort', 'port', 'ip', 'key', 'type', ...Object.keys(objects[0]!)]) : undefined;
      const parent = this.parentIn(patch, parentKeys);
      if (parent === undefined) continue;
      switch (d.int(0, 4)) {
        case 0:
          // Items merged by key, one deleted, one added, a list-level directive.
          parent[field] = [
            ...objects.slice(0, 2).map((item) => ({ ...(mergeKey ? { [mergeKey]: item[mergeKey] } : {}), ...(d.chance(0.5) ? { $patch: d.pick(['delete', 'replace', 'merge', 'nope']) } : { image: 'patched' }) })),
            ...(d.chance(0.3) ? [{ $patch: d.pick(['replace', 'delete', 'merge']) }] : []),
            ...(d.chance(0.5) ? [mergeKey ? { [mergeKey]: `added-${d.int(0, 99)}`, image: 'busybox' } : this.value()] : []),
          ];
          break;
        case 1:
          parent[`$setElementOrder/${field}`] = d.chance(0.8) && mergeKey ? [...objects].reverse().map((item) => ({ [mergeKey]: item[mergeKey] })) : this.value();
          if (d.chance(0.5)) parent[field] = objects.slice(0, 1);
          break;
        case 2:
          parent[`$deleteFromPrimitiveList/${field}`] = d.chance(0.8) ? items.filter((i) => !isObject(i)).slice(0, 2) : this.value();
          break;
        case 3:
          parent.$retainKeys = d.chance(0.8) ? Object.keys(this.sourceAt(parentKeys) ?? {}).filter(() => d.chance(0.6)) : this.value();
          break;
        default:
          parent.$patch = d.pick<unknown>(['replace', 'merge', 'delete', 'nope', 5]);
          break;
      }
    }
    if (d.chance(0.05)) patch.$patch = d.pick(['replace', 'delete']);
    return patch;
  }

  private sourceAt(keys: readonly Key[]): Record<string, unknown> | undefined {
    let node: unknown = this.current;
    for (const key of keys) node = isObject(node) ? node[String(key)] : Array.isArray(node) ? node[Number(key)] : undefined;
    return isObject(node) ? node : undefined;
  }

  /** The object in the patch at `keys` (made on the way), unless the way crosses a list. */
  private parentIn(patch: Record<string, unknown>, keys: readonly Key[]): Record<string, unknown> | undefined {
    let node = patch;
    for (const key of keys) {
      if (typeof key === 'number') return undefined;
      const child = node[key];
      if (child === null || Array.isArray(child)) return undefined;
      node = isObject(child) ? child : ((node[key] = {}) as Record<string, unknown>);
    }
    return node;
  }
}

/** A patch of `kind` against `current`, drawn with `d`, hostile values from `hostile`. */
export function randomPatch(kind: PatchKind, current: Record<string, unknown>, d: Dice, hostile: readonly unknown[]): unknown {
  const maker = new PatchMaker(current, d, hostile);
  if (kind === 'json') return maker.jsonPatch();
  if (kind === 'merge') return maker.mergePatch();
  if (kind === 'apply') return applyConfiguration(current, maker.mergePatch(), d);
  return maker.strategicPatch();
}

/** A server-side apply body: a random merge patch that mostly names the object as apply requires. */
function applyConfiguration(current: Record<string, unknown>, patch: unknown, d: Dice): unknown {
  if (!isObject(patch) || d.chance(0.05)) return patch;
  const meta = isObject(current.metadata) ? current.metadata : {};
  const named = isObject(patch.metadata) ? { ...patch.metadata } : {};
  if (!d.chance(0.05)) named.name = meta.name;
  return { ...patch, apiVersion: current.apiVersion, kind: current.kind, metadata: named };
}
