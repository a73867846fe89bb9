// apiextensions.k8s.io/v1 JSONSchemaProps: the OpenAPI v3 subset a CustomResourceDefinition's
// versions describe their objects with, and what walking one needs.
import { isPlainObject } from '../object.js';

export interface ValidationRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  fieldPath?: string;
  reason?: string;
  optionalOldSelf?: boolean;
}

export interface JSONSchemaProps {
  type?: string;
  format?: string;
  description?: string;
  title?: string;
  nullable?: boolean;
  default?: unknown;
  example?: unknown;
  enum?: unknown[];
  required?: string[];
  properties?: Record<string, JSONSchemaProps>;
  additionalProperties?: JSONSchemaProps | boolean;
  items?: JSONSchemaProps | JSONSchemaProps[];
  allOf?: JSONSchemaProps[];
  anyOf?: JSONSchemaProps[];
  oneOf?: JSONSchemaProps[];
  not?: JSONSchemaProps;
  maximum?: number;
  minimum?: number;
  exclusiveMaximum?: boolean;
  exclusiveMinimum?: boolean;
  maxLength?: number;
  minLength?: number;
  maxItems?: number;
  minItems?: number;
  maxProperties?: number;
  minProperties?: number;
  multipleOf?: number;
  pattern?: string;
  uniqueItems?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: string;
  'x-kubernetes-validations'?: ValidationRule[];
  [extra: string]: unknown;
}

/** A schema node read from untrusted JSON: anything that is not an object is no schema. */
export function asSchema(value: unknown): JSONSchemaProps | undefined {
  return isPlainObject(value) ? (value as JSONSchemaProps) : undefined;
}

/** The schema of a map's values: additionalProperties when it is a schema. */
export function valueSchema(schema: JSONSchemaProps): JSONSchemaProps | undefined {
  return typeof schema.additionalProperties === 'object' ? asSchema(schema.additionalProperties) : undefined;
}

/** The schema of an array's items (a single schema; tuple forms are not structural). */
export function itemSchema(schema: JSONSchemaProps): JSONSchemaProps | undefined {
  return Array.isArray(schema.items) ? undefined : asSchema(schema.items);
}

/** A property's schema, when the schema names it. */
export function propertySchema(schema: JSONSchemaProps, name: string): JSONSchemaProps | undefined {
  const properties = isPlainObject(schema.properties) ? schema.properties : undefined;
  return properties && Object.prototype.hasOwnProperty.call(properties, name) ? asSchema(properties[name]) : undefined;
}

export function preservesUnknown(schema: JSONSchemaProps): boolean {
  return schema['x-kubernetes-preserve-unknown-fields'] === true || schema.additionalProperties === true;
}

/** The JSON type of a value as a schema names it ("integer" for whole numbers). */
export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') return 'string';
  return 'object';
}
