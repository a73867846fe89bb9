// Pruning, as Kubernetes prunes custom objects: fields the structural schema does not name are
// dropped, unless a node says x-kubernetes-preserve-unknown-fields; apiVersion, kind and metadata
// are kept at the root and in embedded resources. Returns the dropped fields' paths, for
// fieldValidation (Strict refuses them, Warn names them).
import { isPlainObject } from '../object.js';
import { itemSchema, type JSONSchemaProps, preservesUnknown, propertySchema, valueSchema } from './schema.js';

const OBJECT_META_KEYS = new Set(['apiVersion', 'kind', 'metadata']);

function child(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}

function pruneValue(value: unknown, schema: JSONSchemaProps | undefined, path: string, dropped: string[]): void {
  if (schema === undefined) return;
  if (Array.isArray(value)) {
    const items = itemSchema(schema);
    value.forEach((item, i) => pruneValue(item, items, `${path}[${i}]`, dropped));
    return;
  }
  if (!isPlainObject(value)) return;
  pruneObject(value, schema, path, dropped, schema['x-kubernetes-embedded-resource'] === true);
}

function pruneObject(obj: Record<string, unknown>, schema: JSONSchemaProps, path: string, dropped: string[], keepMeta: boolean): void {
  const values = valueSchema(schema);
  const preserve = preservesUnknown(schema);
  for (const key of Object.keys(obj)) {
    const property = propertySchema(schema, key);
    if (property) {
      pruneValue(obj[key], property, child(path, key), dropped);
    } else if (values) {
      pruneValue(obj[key], values, `${path}[${key}]`, dropped);
    } else if (keepMeta && OBJECT_META_KEYS.has(key)) {
      continue;
    } else if (!preserve) {
      dropped.push(child(path, key));
      delete obj[key];
    }
  }
}

/** Prunes a custom object in place; returns the paths of what was dropped. */
export function pruneCustomObject(obj: Record<string, unknown>, schema: JSONSchemaProps): string[] {
  const dropped: string[] = [];
  pruneObject(obj, schema, '', dropped, true);
  return dropped;
}
