// The OpenAPI v2 schema shapes Rudder publishes: the subset Kubernetes' own definitions use,
// plus the x-kubernetes-* extensions kubectl reads. Definitions reference each other by
// "#/definitions/<name>" here; the v3 documents rewrite that to "#/components/schemas/<name>".

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
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-patch-merge-key'?: string;
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
