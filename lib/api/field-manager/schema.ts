// The shape server-side apply walks an object by, read from the OpenAPI schemas: which objects are
// structs (fixed fields) and which are maps (x-kubernetes-map-type granular or atomic), which
// lists are atomic, sets or maps keyed by x-kubernetes-list-map-keys. Built-in lists without a
// list type but with a merge patch strategy are keyed by their patch merge key (or are sets), as
// Kubernetes derives them from the patchStrategy/patchMergeKey tags. Values without a schema are
// "deduced": objects are granular maps, lists are atomic.
import { loadServedDefinitions } from '../openapi/load.js';
import { refName, type Definitions, type Schema } from '../openapi/schema.js';

export type FieldType =
  | { readonly kind: 'scalar' }
  | { readonly kind: 'deduced' }
  | { readonly kind: 'struct'; readonly fields: ReadonlyMap<string, () => FieldType>; readonly atomic: boolean }
  | { readonly kind: 'map'; readonly element: () => FieldType; readonly atomic: boolean }
  | { readonly kind: 'list'; readonly element: () => FieldType; readonly listType: 'atomic' | 'set' | 'map'; readonly keys: readonly string[] };

export const SCALAR: FieldType = { kind: 'scalar' };
export const DEDUCED: FieldType = { kind: 'deduced' };

/** Builds FieldTypes from one set of definitions (built-in kinds) or a standalone schema (a CRD version's). */
export class TypeResolver {
  private readonly named = new Map<string, FieldType>();

  constructor(private readonly definitions: Definitions) {}

  definition(name: string): FieldType {
    let found = this.named.get(name);
    if (!found) {
      const schema = this.definitions[name];
      found = schema ? this.of(schema) : DEDUCED;
      this.named.set(name, found);
    }
    return found;
  }

  /** The type a schema describes; `$ref`s resolve lazily, so recursive types are fine. */
  of(schema: Schema): FieldType {
    if (schema.$ref) {
      return this.definition(refName(schema.$ref));
    }
    const extra = schema as Schema & { 'x-kubernetes-int-or-string'?: boolean };
    if (extra['x-kubernetes-int-or-string']) return SCALAR;
    if (schema.type === 'array') {
      const items = schema.items;
      const element = items ? memo(() => this.of(items)) : () => DEDUCED;
      const mergeKey = schema['x-kubernetes-patch-merge-key'];
      const strategy = schema['x-kubernetes-patch-strategy'] ?? '';
      let listType = schema['x-kubernetes-list-type'];
      let keys = schema['x-kubernetes-list-map-keys'] ?? [];
      if (listType === undefined && strategy.split(',').includes('merge')) {
        listType = mergeKey !== undefined ? 'map' : 'set';
        if (mergeKey !== undefined) keys = [mergeKey];
      }
      return { kind: 'list', element, listType: listType ?? 'atomic', keys };
    }
    if (schema.properties && Object.keys(schema.properties).length > 0) {
      const fields = new Map<string, () => FieldType>();
      for (const [name, property] of Object.entries(schema.properties)) fields.set(name, memo(() => this.of(property)));
      return { kind: 'struct', fields, atomic: schema['x-kubernetes-map-type'] === 'atomic' };
    }
    if (schema.additionalProperties !== undefined && schema.additionalProperties !== false) {
      const values = schema.additionalProperties;
      const element = values === true ? () => DEDUCED : memo(() => this.of(values));
      return { kind: 'map', element, atomic: schema['x-kubernetes-map-type'] === 'atomic' };
    }
    if (schema.type === 'object' || schema.type === undefined) return DEDUCED;
    return SCALAR;
  }
}

function memo<T>(make: () => T): () => T {
  let value: T | undefined;
  let made = false;
  return () => {
    if (!made) {
      value = make();
      made = true;
    }
    return value as T;
  };
}

let served: TypeResolver | undefined;

/** The resolver of the built-in kinds' definitions (dist/openapi), built on first use. */
export function servedTypes(): TypeResolver {
  served ??= new TypeResolver(loadServedDefinitions());
  return served;
}

/** The type of a struct's field; fields the schema does not name are deduced. */
export function fieldType(type: FieldType, name: string): FieldType {
  switch (type.kind) {
    case 'struct': {
      const field = type.fields.get(name);
      return field ? field() : DEDUCED;
    }
    case 'map':
      return type.element();
    default:
      return DEDUCED;
  }
}

/** Whether `name` is one of the struct's declared fields (its presence is not recorded as a map key). */
export function isStructField(type: FieldType, name: string): boolean {
  return type.kind === 'struct' && type.fields.has(name);
}
