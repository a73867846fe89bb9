// Defaulting from `default:`, as Kubernetes defaults custom objects after pruning: a missing field
// (or a null one that is not nullable) whose schema has a default gets a copy of it, in objects,
// array items and map values, top down (a defaulted object is then defaulted inside).
import { isPlainObject } from '../object.js';
import { itemSchema, type JSONSchemaProps, propertySchema, valueSchema } from './schema.js';

export function applySchemaDefaults(value: unknown, schema: JSONSchemaProps | undefined): void {
  if (schema === undefined) return;
  if (Array.isArray(value)) {
    const items = itemSchema(schema);
    for (const item of value) applySchemaDefaults(item, items);
    return;
  }
  if (!isPlainObject(value)) return;
  const properties = isPlainObject(schema.properties) ? Object.keys(schema.properties) : [];
  for (const name of properties) {
    const property = propertySchema(schema, name);
    if (property === undefined) continue;
    const missing = !(name in value) || (value[name] === null && property.nullable !== true);
    if (missing && property.default !== undefined) value[name] = structuredClone(property.default);
  }
  const values = valueSchema(schema);
  for (const key of Object.keys(value)) applySchemaDefaults(value[key], propertySchema(schema, key) ?? values);
}
