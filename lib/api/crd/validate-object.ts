// Validation of a custom object against its version's structural schema, with the messages
// Kubernetes' OpenAPI validator gives ("spec.replicas in body should be less than or equal to 10"):
// types, nullable, enum, required, numeric bounds, lengths, item and property counts, pattern,
// format, items, properties, additionalProperties, x-kubernetes-int-or-string and
// x-kubernetes-embedded-resource. CEL rules are cel-rules.ts's.
import { isDeepStrictEqual } from 'node:util';
import { fieldErrors, type FieldError } from '../field-errors.js';
import { isPlainObject } from '../object.js';
import { checkFormat } from './formats.js';
import { compiledPattern } from './patterns.js';
import { itemSchema, jsonType, type JSONSchemaProps, propertySchema, valueSchema } from './schema.js';

/** kube-openapi prints a path as the field path without brackets' quotes ("spec.items[0].name"). */
function inBody(path: string): string {
  return path === '' ? 'body' : `${path} in body`;
}

function child(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}

function typeMatches(type: string, value: unknown): boolean {
  const actual = jsonType(value);
  if (type === 'number') return actual === 'number' || actual === 'integer';
  return type === actual;
}

function checkNumber(errors: FieldError[], path: string, schema: JSONSchemaProps, value: number): void {
  if (typeof schema.maximum === 'number') {
    if (schema.exclusiveMaximum === true ? value >= schema.maximum : value > schema.maximum) {
      errors.push(fieldErrors.invalid(path, value, `${inBody(path)} should be less than ${schema.exclusiveMaximum === true ? '' : 'or equal to '}${schema.maximum}`));
    }
  }
  if (typeof schema.minimum === 'number') {
    if (schema.exclusiveMinimum === true ? value <= schema.minimum : value < schema.minimum) {
      errors.push(fieldErrors.invalid(path, value, `${inBody(path)} should be greater than ${schema.exclusiveMinimum === true ? '' : 'or equal to '}${schema.minimum}`));
    }
  }
  if (typeof schema.multipleOf === 'number' && schema.multipleOf > 0) {
    const quotient = value / schema.multipleOf;
    if (Math.abs(quotient - Math.round(quotient)) > 1e-9) errors.push(fieldErrors.invalid(path, value, `${inBody(path)} should be a multiple of ${schema.multipleOf}`));
  }
}

function checkString(errors: FieldError[], path: string, schema: JSONSchemaProps, value: string): void {
  const length = [...value].length;
  if (typeof schema.maxLength === 'number' && length > schema.maxLength) errors.push(fieldErrors.tooLong(path, schema.maxLength));
  if (typeof schema.minLength === 'number' && length < schema.minLength) {
    errors.push(fieldErrors.invalid(path, value, `${inBody(path)} should be at least ${schema.minLength} chars long`));
  }
  if (typeof schema.pattern === 'string') {
    const pattern = compiledPattern(schema.pattern);
    if (pattern && !pattern.test(value)) errors.push(fieldErrors.invalid(path, value, `${inBody(path)} should match '${schema.pattern}'`));
  }
  if (typeof schema.format === 'string' && !checkFormat(schema.format, value)) {
    errors.push(fieldErrors.typeInvalid(path, value, `${inBody(path)} must be of type ${schema.format}: ${JSON.stringify(value)}`));
  }
}

function checkArray(errors: FieldError[], path: string, schema: JSONSchemaProps, value: unknown[]): void {
  if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) errors.push(fieldErrors.tooMany(path, value.length, schema.maxItems));
  if (typeof schema.minItems === 'number' && value.length < schema.minItems) {
    errors.push(fieldErrors.invalid(path, value.length, `${inBody(path)} should have at least ${schema.minItems} items`));
  }
  const items = itemSchema(schema);
  if (items) value.forEach((item, i) => validateValue(errors, `${path}[${i}]`, items, item));
  if (schema['x-kubernetes-list-type'] === 'set') {
    value.forEach((item, i) => {
      if (value.findIndex((other) => isDeepStrictEqual(other, item)) < i) errors.push(fieldErrors.duplicate(`${path}[${i}]`, item));
    });
  }
}

function checkObject(errors: FieldError[], path: string, schema: JSONSchemaProps, value: Record<string, unknown>): void {
  const keys = Object.keys(value);
  if (typeof schema.maxProperties === 'number' && keys.length > schema.maxProperties) errors.push(fieldErrors.tooMany(path, keys.length, schema.maxProperties));
  if (typeof schema.minProperties === 'number' && keys.length < schema.minProperties) {
    errors.push(fieldErrors.invalid(path, keys.length, `${inBody(path)} should have at least ${schema.minProperties} properties`));
  }
  for (const name of Array.isArray(schema.required) ? schema.required : []) {
    if (typeof name === 'string' && !(name in value)) errors.push(fieldErrors.required(child(path, name), ''));
  }
  const values = valueSchema(schema);
  for (const key of keys) {
    const property = propertySchema(schema, key);
    if (property) validateValue(errors, child(path, key), property, value[key]);
    else if (values) validateValue(errors, `${path}[${key}]`, values, value[key]);
  }
  if (schema['x-kubernetes-embedded-resource'] === true) {
    for (const field of ['apiVersion', 'kind']) {
      if (typeof value[field] !== 'string' || value[field] === '') errors.push(fieldErrors.required(child(path, field), 'must not be empty'));
    }
  }
}

/** Appends the errors of `value` at `path` (dotted, "" for the root) against `schema`. */
export function validateValue(errors: FieldError[], path: string, schema: JSONSchemaProps, value: unknown): void {
  if (value === null) {
    if (schema.nullable === true || schema['x-kubernetes-preserve-unknown-fields'] === true && schema.type === undefined) return;
    if (schema.type !== undefined || schema['x-kubernetes-int-or-string'] === true) {
      errors.push(fieldErrors.typeInvalid(path, 'null', `${inBody(path)} must be of type ${schema.type ?? 'integer,string'}: "null"`));
    }
    return;
  }
  if (schema['x-kubernetes-int-or-string'] === true) {
    if (!(typeof value === 'string' || jsonType(value) === 'integer')) {
      errors.push(fieldErrors.typeInvalid(path, jsonType(value), `${inBody(path)} must be of type integer,string: ${JSON.stringify(jsonType(value))}`));
      return;
    }
  } else if (typeof schema.type === 'string' && !typeMatches(schema.type, value)) {
    errors.push(fieldErrors.typeInvalid(path, jsonType(value), `${inBody(path)} must be of type ${schema.type}: ${JSON.stringify(jsonType(value))}`));
    return;
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((allowed) => isDeepStrictEqual(allowed, value))) {
    errors.push(fieldErrors.notSupported(path, value, schema.enum.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)))));
  }
  if (typeof value === 'number') checkNumber(errors, path, schema, value);
  else if (typeof value === 'string') checkString(errors, path, schema, value);
  else if (Array.isArray(value)) checkArray(errors, path, schema, value);
  else if (isPlainObject(value)) checkObject(errors, path, schema, value);
}

/**
 * The errors of a custom object against its version's schema. apiVersion, kind and metadata are
 * the apiserver's to check (ObjectMeta's own rules), so the schema sees the rest.
 */
export function validateCustomObject(schema: JSONSchemaProps, obj: Record<string, unknown>): FieldError[] {
  const errors: FieldError[] = [];
  const { apiVersion: _v, kind: _k, metadata: _m, ...rest } = obj;
  validateValue(errors, '', { ...schema, required: (schema.required ?? []).filter((r) => r !== 'apiVersion' && r !== 'kind' && r !== 'metadata') }, rest);
  return errors;
}
