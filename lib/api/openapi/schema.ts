// The OpenAPI v2 schema shapes Rudder publishes: what Kubernetes' own definitions use, its
// x-kubernetes-* extensions included (kubectl reads the patch ones; the list and map ones are what
// server-side apply merges by). Definitions reference each other by "#/definitions/<name>" here;
// the v3 documents rewrite that to "#/components/schemas/<name>".

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export type SchemaType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';

export interface Schema {
  $ref?: string;
  description?: string;
  type?: SchemaType;
  format?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: Schema | boolean;
  'x-kubernetes-group-version-kind'?: GroupVersionKind[];
  /** "merge", "retainKeys", "merge,retainKeys" or "replace": the `patchStrategy` struct tag. */
  'x-kubernetes-patch-strategy'?: string;
  /** The field that identifies the items of a merged list: the `patchMergeKey` struct tag. */
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  /** For list-type map: the fields that together identify an item. */
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-unions'?: SchemaUnion[];
}

/** A union of fields at most one of which is set, and the field naming which. */
export interface SchemaUnion {
  discriminator?: string;
  /** Member field → the discriminator value that selects it. */
  'fields-to-discriminateBy'?: Record<string, string>;
}

/** Definition name (io.k8s.api.core.v1.Pod) to schema. */
export type Definitions = Record<string, Schema>;

const V2_PREFIX = '#/definitions/';

export function definitionRef(name: string): string {
  return `${V2_PREFIX}${name}`;
}

/** The definition name a v2 "$ref" points at. */
export function refName(ref: string): string {
  if (!ref.startsWith(V2_PREFIX)) throw new Error(`not a definitions reference: ${ref}`);
  return ref.slice(V2_PREFIX.length);
}

/** Every definition reachable from `roots`, in name order. */
export function closure(definitions: Definitions, roots: Iterable<string>): string[] {
  const seen = new Set<string>();
  const pending = [...roots];
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (seen.has(name)) continue;
    const schema = definitions[name];
    if (!schema) throw new Error(`no definition named ${name}`);
    seen.add(name);
    forEachRef(schema, (ref) => pending.push(refName(ref)));
  }
  return [...seen].sort();
}

function forEachRef(schema: Schema, visit: (ref: string) => void): void {
  if (schema.$ref) visit(schema.$ref);
  if (schema.items) forEachRef(schema.items, visit);
  if (typeof schema.additionalProperties === 'object') forEachRef(schema.additionalProperties, visit);
  for (const property of Object.values(schema.properties ?? {})) forEachRef(property, visit);
}
