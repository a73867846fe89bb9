// The strategic-merge-patch metadata of the served kinds, read from their OpenAPI definitions:
// x-kubernetes-patch-strategy and x-kubernetes-patch-merge-key, which Kubernetes' generator
// writes from the `patchStrategy` and `patchMergeKey` struct tags of k8s.io/api, the tags
// kube-apiserver merges by. The strategic merge patch walks this table from a kind's root.
//
// A field that is not here merges as a map when it holds an object and is replaced whole when
// it holds a list, which is also what Kubernetes does with untagged fields. Maps whose values
// are structs take no metadata from those structs (Go would); no served kind has such a map
// whose value type carries a strategy.
import { loadServedDefinitions } from '../openapi/load.js';
import { refName, type Definitions, type Schema } from '../openapi/schema.js';

export type PatchStrategy = 'merge' | 'retainKeys' | 'merge,retainKeys' | 'replace';

const STRATEGIES: ReadonlySet<string> = new Set<PatchStrategy>(['merge', 'retainKeys', 'merge,retainKeys', 'replace']);

export interface SchemaField {
  /** Definition name of the value, or of the elements when `list` is set; absent for primitives. */
  readonly type?: string;
  readonly list?: boolean;
  readonly strategy?: PatchStrategy;
  readonly mergeKey?: string;
}

export type SchemaType = Readonly<Record<string, SchemaField>>;

/** Definition name -> fields. */
export type PatchSchema = Readonly<Record<string, SchemaType>>;

function isPatchStrategy(value: string): value is PatchStrategy {
  return STRATEGIES.has(value);
}

/** What the merge needs of one property: the type it leads to, whether it is a list, its tags. */
function fieldOf(owner: string, name: string, property: Schema): SchemaField | undefined {
  const strategy = property['x-kubernetes-patch-strategy'];
  const mergeKey = property['x-kubernetes-patch-merge-key'];
  if (strategy !== undefined && !isPatchStrategy(strategy)) throw new Error(`${owner}.${name}: unknown patch strategy ${JSON.stringify(strategy)}`);
  const tags = { ...(strategy !== undefined ? { strategy } : {}), ...(mergeKey !== undefined ? { mergeKey } : {}) };
  if (property.$ref) return { type: refName(property.$ref), ...tags };
  if (property.type === 'array') return { list: true, ...(property.items?.$ref ? { type: refName(property.items.$ref) } : {}), ...tags };
  return strategy !== undefined || mergeKey !== undefined ? tags : undefined;
}

/** The table of every struct field in `definitions` that leads to another struct, is a list, or carries a tag. */
export function patchSchemaOf(definitions: Definitions): PatchSchema {
  const schema: Record<string, SchemaType> = {};
  for (const [name, definition] of Object.entries(definitions)) {
    const fields: Record<string, SchemaField> = {};
    for (const [field, property] of Object.entries(definition.properties ?? {})) {
      const entry = fieldOf(name, field, property);
      if (entry) fields[field] = entry;
    }
    if (Object.keys(fields).length > 0) schema[name] = fields;
  }
  return schema;
}

let served: PatchSchema | undefined;

/** The table of the definitions the apiserver publishes (dist/openapi), built on first use. */
export function defaultPatchSchema(): PatchSchema {
  served ??= patchSchemaOf(loadServedDefinitions());
  return served;
}

/** What the table knows of a field: its value's (or elements') type and its patch metadata. */
export function schemaFieldOf(typeName: string | undefined, field: string, schema: PatchSchema = defaultPatchSchema()): SchemaField | undefined {
  if (typeName === undefined) return undefined;
  const type = schema[typeName];
  return type && Object.prototype.hasOwnProperty.call(type, field) ? type[field] : undefined;
}

/** The x-kubernetes-patch-strategy / x-kubernetes-patch-merge-key of a field, if it has either. */
export function patchStrategyOf(typeName: string, field: string, schema: PatchSchema = defaultPatchSchema()): { strategy?: PatchStrategy; mergeKey?: string } | undefined {
  const found = schemaFieldOf(typeName, field, schema);
  if (!found || (found.strategy === undefined && found.mergeKey === undefined)) return undefined;
  const result: { strategy?: PatchStrategy; mergeKey?: string } = {};
  if (found.strategy !== undefined) result.strategy = found.strategy;
  if (found.mergeKey !== undefined) result.mergeKey = found.mergeKey;
  return result;
}

/** Every field with patch metadata. */
export function* fieldsWithPatchStrategy(schema: PatchSchema = defaultPatchSchema()): Generator<{ typeName: string; field: string; strategy?: PatchStrategy; mergeKey?: string }> {
  for (const [typeName, fields] of Object.entries(schema)) {
    for (const field of Object.keys(fields)) {
      const meta = patchStrategyOf(typeName, field, schema);
      if (meta) yield { typeName, field, ...meta };
    }
  }
}
