// Sets of field paths, as structured-merge-diff keeps them for each manager, in the tree form
// metadata.managedFields serialises (FieldsV1): each node's children are path elements written
// "f:<field>", "k:<json of the key fields>", "v:<json value>" or "i:<index>", and "." marks a
// node that is itself a member while it also has members below it.

/** One step of a path in FieldsV1 form ("f:spec", 'k:{"name":"app"}', 'v:"x"', "i:0"). */
export type PathElement = string;
export type FieldPath = readonly PathElement[];

export class FieldSet {
  member = false;
  children: Map<PathElement, FieldSet> | undefined;

  child(element: PathElement): FieldSet {
    this.children ??= new Map();
    let next = this.children.get(element);
    if (!next) {
      next = new FieldSet();
      this.children.set(element, next);
    }
    return next;
  }

  get(element: PathElement): FieldSet | undefined {
    return this.children?.get(element);
  }

  insert(path: FieldPath): void {
    let node: FieldSet = this;
    for (const element of path) node = node.child(element);
    node.member = true;
  }

  has(path: FieldPath): boolean {
    let node: FieldSet | undefined = this;
    for (const element of path) {
      node = node.get(element);
      if (!node) return false;
    }
    return node.member;
  }

  isEmpty(): boolean {
    if (this.member) return false;
    if (!this.children) return true;
    for (const child of this.children.values()) if (!child.isEmpty()) return false;
    return true;
  }

  clone(): FieldSet {
    return this.union(new FieldSet());
  }

  union(other: FieldSet): FieldSet {
    const out = new FieldSet();
    out.member = this.member || other.member;
    if (!this.children && !other.children) return out;
    out.children = new Map();
    for (const element of new Set([...(this.children?.keys() ?? []), ...(other.children?.keys() ?? [])])) {
      out.children.set(element, (this.get(element) ?? EMPTY).union(other.get(element) ?? EMPTY));
    }
    return out;
  }

  /** The members of this set that are not members of `other`. */
  difference(other: FieldSet | undefined): FieldSet {
    const out = new FieldSet();
    out.member = this.member && !(other?.member ?? false);
    if (this.children) {
      for (const [element, child] of this.children) {
        const rest = child.difference(other?.get(element));
        if (!rest.isEmpty()) out.child(element).replaceWith(rest);
      }
    }
    return out;
  }

  intersection(other: FieldSet | undefined): FieldSet {
    const out = new FieldSet();
    if (!other) return out;
    out.member = this.member && other.member;
    if (this.children && other.children) {
      for (const [element, child] of this.children) {
        const peer = other.children.get(element);
        if (!peer) continue;
        const both = child.intersection(peer);
        if (!both.isEmpty()) out.child(element).replaceWith(both);
      }
    }
    return out;
  }

  private replaceWith(other: FieldSet): void {
    this.member = other.member;
    this.children = other.children;
  }

  /** Whether a member lies at `path` or below it. */
  coversOrBelow(path: FieldPath): boolean {
    let node: FieldSet | undefined = this;
    for (const element of path) {
      node = node.get(element);
      if (!node) return false;
    }
    return !node.isEmpty();
  }

  /** Whether a member without members below it lies on the way to `path` (the whole value there is owned). */
  leafAbove(path: FieldPath): boolean {
    let node: FieldSet | undefined = this;
    for (const element of path) {
      if (node.member && (!node.children || node.children.size === 0)) return true;
      node = node.get(element);
      if (!node) return false;
    }
    return false;
  }

  /** Every member's path, in FieldsV1 order. */
  *paths(prefix: PathElement[] = []): Generator<FieldPath> {
    if (this.member && prefix.length > 0) yield [...prefix];
    if (!this.children) return;
    for (const element of sortedElements(this.children)) {
      prefix.push(element);
      yield* this.children.get(element)!.paths(prefix);
      prefix.pop();
    }
  }

  equals(other: FieldSet): boolean {
    return this.difference(other).isEmpty() && other.difference(this).isEmpty();
  }

  /** The FieldsV1 JSON of the set. */
  toFieldsV1(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (this.children && this.children.size > 0) {
      if (this.member) out['.'] = {};
      for (const element of sortedElements(this.children)) {
        const child = this.children.get(element)!;
        if (!child.isEmpty()) out[element] = child.toFieldsV1();
      }
    }
    return out;
  }

  static fromFieldsV1(json: unknown): FieldSet {
    const set = new FieldSet();
    fill(set, json, true);
    return set;
  }
}

const EMPTY = new FieldSet();

const ORDER: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };

/** FieldsV1 order: fields, then keys, values and indices; by name (or number) within each. */
export function compareElements(a: PathElement, b: PathElement): number {
  const kind = (ORDER[a[0]!] ?? 4) - (ORDER[b[0]!] ?? 4);
  if (kind !== 0) return kind;
  if (a[0] === 'i') return Number(a.slice(2)) - Number(b.slice(2));
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortedElements(children: Map<PathElement, FieldSet>): PathElement[] {
  return [...children.keys()].sort(compareElements);
}

export class FieldsV1Error extends Error {}

function fill(node: FieldSet, json: unknown, root: boolean): void {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new FieldsV1Error('FieldsV1 nodes must be objects');
  const entries = Object.entries(json as Record<string, unknown>);
  if (!root && entries.length === 0) node.member = true;
  for (const [key, value] of entries) {
    if (key === '.') {
      node.member = true;
      continue;
    }
    if (!/^[fkvi]:/.test(key)) throw new FieldsV1Error(`unknown path element ${JSON.stringify(key)}`);
    fill(node.child(key), value, false);
  }
}

export function fieldElement(name: string): PathElement {
  return `f:${name}`;
}

/** 'k:{"containerPort":80,"protocol":"TCP"}': the key fields in name order. */
export function keyElement(item: Record<string, unknown>, keys: readonly string[]): PathElement {
  const fields: Record<string, unknown> = {};
  for (const key of [...keys].sort()) if (item[key] !== undefined) fields[key] = item[key];
  return `k:${JSON.stringify(fields)}`;
}

export function valueElement(value: unknown): PathElement {
  return `v:${JSON.stringify(value)}`;
}

export function indexElement(index: number): PathElement {
  return `i:${index}`;
}

/** A path as Kubernetes prints it in conflicts: .spec.containers[name="app"].image, .metadata.finalizers[="x"]. */
export function formatPath(path: FieldPath): string {
  let out = '';
  for (const element of path) {
    const body = element.slice(2);
    switch (element[0]) {
      case 'f':
        out += `.${body}`;
        break;
      case 'k': {
        const fields = JSON.parse(body) as Record<string, unknown>;
        out += `[${Object.entries(fields).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`;
        break;
      }
      case 'v':
        out += `[=${body}]`;
        break;
      default:
        out += `[${body}]`;
    }
  }
  return out;
}
