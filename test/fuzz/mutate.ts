// Mutations of a realistic object: a value replaced, a key added, a field deleted, anywhere in the
// object (metadata, spec, status, known and unknown fields), with a value of any type. A
// mutation names its place by an index into the object's paths, taken when the case runs, so it
// applies to whatever object the run has.
import fc from 'fast-check';
import { hostileKey, hostileValue, resolveHostile } from './hostile-values.js';

export type Mutation =
  | { op: 'replace'; at: number; value: unknown }
  | { op: 'add'; at: number; key: string; value: unknown }
  | { op: 'delete'; at: number }
  | { op: 'field'; under: 'top' | 'metadata' | 'spec' | 'status'; key: string; value: unknown };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('replace' as const), at: fc.nat(), value: hostileValue }),
  fc.record({ op: fc.constant('add' as const), at: fc.nat(), key: hostileKey, value: hostileValue }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('field' as const), under: fc.constantFrom('top' as const, 'metadata' as const, 'spec' as const, 'status' as const), key: hostileKey, value: hostileValue }),
);

/** None (the object as generated) about a third of the time, else one to four. */
export const mutations: fc.Arbitrary<Mutation[]> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Mutation[]>([]) },
  { weight: 3, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.array(mutation, { minLength: 2, maxLength: 4 }) },
);

type Container = Record<string, unknown> | unknown[];

interface Place {
  parent: Container;
  key: string | number;
  /** Containers above the value, the body itself included. */
  depth: number;
}

function isContainer(value: unknown): value is Container {
  if (Array.isArray(value)) return true;
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Every place in the object, depth first, in a stable order (plain objects and arrays only). */
function places(root: Container): Place[] {
  const out: Place[] = [];
  const walk = (container: Container, depth: number): void => {
    // Mutations go no deeper than an object's own shape (a 5,000-level value is walked no further).
    if (depth > 12) return;
    const keys: (string | number)[] = Array.isArray(container) ? container.map((_, i) => i) : Object.keys(container);
    for (const key of keys) {
      out.push({ parent: container, key, depth });
      const child = (container as Record<string | number, unknown>)[key];
      if (isContainer(child)) walk(child, depth + 1);
    }
  };
  walk(root, 1);
  return out;
}

function setOwn(parent: Container, key: string | number, value: unknown): void {
  if (Array.isArray(parent) && typeof key === 'number') parent[key] = value;
  else Object.defineProperty(parent, key, { value, enumerable: true, configurable: true, writable: true });
}


/** Applies the mutations to `object` in place and returns it. */
export function applyMutations(object: Record<string, unknown>, list: readonly Mutation[]): Record<string, unknown> {
  for (const m of list) {
    if (m.op === 'field') {
      let parent: Container = object;
      let depth = 1;
      if (m.under !== 'top') {
        const holder = object[m.under];
        if (!isContainer(holder)) setOwn(object, m.under, {});
        parent = object[m.under] as Container;
        depth = 2;
      }
      setOwn(parent, Array.isArray(parent) ? parent.length : m.key, resolveHostile(m.value, depth, object));
      continue;
    }
    const all = places(object);
    if (all.length === 0) continue;
    const place = all[m.at % all.length]!;
    const current = (place.parent as Record<string | number, unknown>)[place.key];
    switch (m.op) {
      case 'replace':
        setOwn(place.parent, place.key, resolveHostile(m.value, place.depth, object));
        break;
      case 'add':
        // Into the value when it is a container, beside it otherwise.
        if (Array.isArray(current)) current.push(resolveHostile(m.value, place.depth + 1, object));
        else if (isContainer(current)) setOwn(current, m.key, resolveHostile(m.value, place.depth + 1, object));
        else if (!Array.isArray(place.parent)) setOwn(place.parent, m.key, resolveHostile(m.value, place.depth, object));
        else place.parent.push(resolveHostile(m.value, place.depth, object));
        break;
      case 'delete':
        if (Array.isArray(place.parent) && typeof place.key === 'number') place.parent.splice(place.key, 1);
        else delete (place.parent as Record<string, unknown>)[place.key];
        break;
    }
  }
  return object;
}
