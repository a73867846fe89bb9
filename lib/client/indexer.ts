// The informer's local cache (client-go's cache.Indexer): objects by "namespace/name" key, plus
// named indexes from an index function's values to keys — by namespace always, by a label, or
// custom ones such as pods by spec.nodeName. Objects in it are shared with every reader: copy
// before changing one.
import type { KubeObject } from '../api/object.js';
import { objectKey } from './paths.js';

/** The index values of an object (none, one or several). */
export type IndexFunc<T extends KubeObject = KubeObject> = (obj: T) => string[];

export const NAMESPACE_INDEX = 'namespace';

export function namespaceIndex(obj: KubeObject): string[] {
  return [obj.metadata?.namespace ?? ''];
}

/** Indexes objects by the value of one label (objects without it are not indexed). */
export function labelIndex(label: string): IndexFunc {
  return (obj) => {
    const value = obj.metadata?.labels?.[label];
    return value === undefined ? [] : [value];
  };
}

/** Indexes pods by the node they are bound to ('' for unscheduled pods). */
export function nodeNameIndex(obj: KubeObject): string[] {
  const spec = obj.spec as { nodeName?: unknown } | undefined;
  return [typeof spec?.nodeName === 'string' ? spec.nodeName : ''];
}

export interface ReplaceResult<T> {
  added: T[];
  updated: { before: T; after: T }[];
  deleted: T[];
}

export class Indexer<T extends KubeObject = KubeObject> {
  private readonly items = new Map<string, T>();
  private readonly indexers = new Map<string, IndexFunc<T>>();
  /** index name → value → keys */
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  constructor(indexers: Record<string, IndexFunc<T>> = {}) {
    this.addIndexers({ [NAMESPACE_INDEX]: namespaceIndex as IndexFunc<T>, ...indexers });
  }

  /** Adds indexes (existing objects are indexed right away). */
  addIndexers(indexers: Record<string, IndexFunc<T>>): void {
    for (const [name, fn] of Object.entries(indexers)) {
      if (this.indexers.has(name)) throw new Error(`index "${name}" already exists`);
      this.indexers.set(name, fn);
      const index = new Map<string, Set<string>>();
      this.indices.set(name, index);
      for (const [key, obj] of this.items) this.indexOne(index, fn, key, obj);
    }
  }

  get size(): number {
    return this.items.size;
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  list(): T[] {
    return [...this.items.values()];
  }

  keys(): string[] {
    return [...this.items.keys()];
  }

  /** Objects whose index function yields `value` for the named index. */
  byIndex(name: string, value: string): T[] {
    const keys = this.indexKeys(name, value);
    const out: T[] = [];
    for (const key of keys) {
      const obj = this.items.get(key);
      if (obj) out.push(obj);
    }
    return out;
  }

  indexKeys(name: string, value: string): string[] {
    const index = this.indices.get(name);
    if (!index) throw new Error(`no index named "${name}"`);
    return [...(index.get(value) ?? [])];
  }

  /** Adds or replaces an object; returns the one it replaced. */
  set(obj: T): T | undefined {
    const key = objectKey(obj);
    const before = this.items.get(key);
    if (before) this.unindex(key, before);
    this.items.set(key, obj);
    for (const [name, fn] of this.indexers) this.indexOne(this.indices.get(name)!, fn, key, obj);
    return before;
  }

  /** Removes an object by key; returns it. */
  delete(key: string): T | undefined {
    const before = this.items.get(key);
    if (!before) return undefined;
    this.unindex(key, before);
    this.items.delete(key);
    return before;
  }

  /** Makes the cache hold exactly `objects`; reports what changed (a new resourceVersion is a change). */
  replace(objects: readonly T[]): ReplaceResult<T> {
    const result: ReplaceResult<T> = { added: [], updated: [], deleted: [] };
    const seen = new Set<string>();
    for (const obj of objects) {
      const key = objectKey(obj);
      seen.add(key);
      const before = this.set(obj);
      if (!before) result.added.push(obj);
      else if (before.metadata?.resourceVersion !== obj.metadata?.resourceVersion) result.updated.push({ before, after: obj });
    }
    for (const key of [...this.items.keys()]) {
      if (seen.has(key)) continue;
      const before = this.delete(key);
      if (before) result.deleted.push(before);
    }
    return result;
  }

  private indexOne(index: Map<string, Set<string>>, fn: IndexFunc<T>, key: string, obj: T): void {
    for (const value of fn(obj)) {
      let keys = index.get(value);
      if (!keys) index.set(value, (keys = new Set()));
      keys.add(key);
    }
  }

  private unindex(key: string, obj: T): void {
    for (const [name, fn] of this.indexers) {
      const index = this.indices.get(name)!;
      for (const value of fn(obj)) {
        const keys = index.get(value);
        keys?.delete(key);
        if (keys?.size === 0) index.delete(value);
      }
    }
  }
}
