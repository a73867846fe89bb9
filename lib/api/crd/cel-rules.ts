// x-kubernetes-validations: CEL rules evaluated with @marcbachmann/cel-js against each node of a
// custom object that has them, `self` being the node (and `oldSelf` the stored one on update, for
// transition rules). Values are given CEL's types from the schema: integers as CEL ints, numbers
// as doubles. A failed rule is the error Kubernetes gives: the node's path (plus fieldPath),
// Invalid value: "<type>", and the rule's message or "failed rule: <rule>".
import { Environment } from '@marcbachmann/cel-js';
import type { FieldError, FieldErrorType } from '../field-errors.js';
import { isPlainObject } from '../object.js';
import { itemSchema, type JSONSchemaProps, propertySchema, type ValidationRule, valueSchema } from './schema.js';

const ENVIRONMENT = new Environment({ enableOptionalTypes: true, unlistedVariablesAreDyn: true, homogeneousAggregateLiterals: false });

export type CompiledCel = ReturnType<Environment['parse']>;
const compiled = new Map<string, CompiledCel | Error>();

/** A CEL expression parsed once (cached by its text), or the parser's error. */
export function compileCel(rule: string): CompiledCel | Error {
  let found = compiled.get(rule);
  if (found === undefined) {
    try {
      found = ENVIRONMENT.parse(rule);
    } catch (error) {
      found = error instanceof Error ? error : new Error(String(error));
    }
    if (compiled.size > 10_000) compiled.clear();
    compiled.set(rule, found);
  }
  return found;
}

/** The compilation error of a rule, or undefined when it parses. */
export function ruleCompileError(rule: string): string | undefined {
  const result = compileCel(rule);
  return result instanceof Error ? `compilation failed: ${result.message.split('\n', 1)[0]}` : undefined;
}

/** A JSON value as CEL sees it under `schema`: integers become CEL ints (BigInt). */
export function toCel(value: unknown, schema: JSONSchemaProps | undefined): unknown {
  if (typeof value === 'number') {
    const integer = schema?.type === 'integer' || schema?.['x-kubernetes-int-or-string'] === true || (schema?.type === undefined && Number.isInteger(value));
    return integer && Number.isInteger(value) ? BigInt(value) : value;
  }
  if (Array.isArray(value)) {
    const items = schema ? itemSchema(schema) : undefined;
    return value.map((item) => toCel(item, items));
  }
  if (isPlainObject(value)) {
    const values = schema ? valueSchema(schema) : undefined;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = toCel(item, (schema && propertySchema(schema, key)) ?? values);
    return out;
  }
  return value;
}

function typeName(schema: JSONSchemaProps, value: unknown): string {
  if (typeof schema.type === 'string') return schema.type;
  return Array.isArray(value) ? 'array' : isPlainObject(value) ? 'object' : typeof value;
}

const REASONS: Record<string, FieldErrorType> = {
  FieldValueInvalid: 'FieldValueInvalid',
  FieldValueForbidden: 'FieldValueForbidden',
  FieldValueRequired: 'FieldValueRequired',
  FieldValueDuplicate: 'FieldValueDuplicate',
};

function failure(rule: ValidationRule, path: string, schema: JSONSchemaProps, value: unknown, detail: string): FieldError {
  const fieldPath = typeof rule.fieldPath === 'string' && rule.fieldPath !== '' ? `${path}${rule.fieldPath.startsWith('.') || path === '' ? '' : '.'}${rule.fieldPath}`.replace(/^\./, '') : path;
  const type = REASONS[rule.reason ?? ''] ?? 'FieldValueInvalid';
  if (type === 'FieldValueInvalid') return { type, field: fieldPath, badValue: typeName(schema, value), detail };
  return { type, field: fieldPath, detail };
}

function evaluateRules(errors: FieldError[], path: string, schema: JSONSchemaProps, value: unknown, old: unknown): void {
  const rules = Array.isArray(schema['x-kubernetes-validations']) ? schema['x-kubernetes-validations'] : [];
  for (const rule of rules) {
    if (!isPlainObject(rule) || typeof rule.rule !== 'string') continue;
    const program = compileCel(rule.rule);
    if (program instanceof Error) continue;
    const transition = /\boldSelf\b/.test(rule.rule);
    // A transition rule runs only on update, when the node existed before (unless optionalOldSelf).
    if (transition && old === undefined && rule.optionalOldSelf !== true) continue;
    const context: Record<string, unknown> = { self: toCel(value, schema) };
    if (transition) context.oldSelf = old === undefined ? undefined : toCel(old, schema);
    let result: unknown;
    try {
      result = program(context);
    } catch (error) {
      errors.push(failure(rule, path, schema, value, `${rule.message ?? `failed rule: ${rule.rule}`}`));
      void error;
      continue;
    }
    if (result !== true) errors.push(failure(rule, path, schema, value, typeof rule.message === 'string' && rule.message !== '' ? rule.message : `failed rule: ${rule.rule}`));
  }
}

function walk(errors: FieldError[], path: string, schema: JSONSchemaProps | undefined, value: unknown, old: unknown): void {
  if (schema === undefined || value === undefined || value === null) return;
  evaluateRules(errors, path, schema, value, old);
  if (Array.isArray(value)) {
    const items = itemSchema(schema);
    // Old items are matched by index only for atomic lists; listType map/set correlation is by key or value.
    value.forEach((item, i) => walk(errors, `${path}[${i}]`, items, item, undefined));
    return;
  }
  if (!isPlainObject(value)) return;
  const values = valueSchema(schema);
  const oldObject = isPlainObject(old) ? old : undefined;
  for (const [key, item] of Object.entries(value)) {
    const property = propertySchema(schema, key);
    if (property) walk(errors, path === '' ? key : `${path}.${key}`, property, item, oldObject?.[key]);
    else if (values) walk(errors, `${path}[${key}]`, values, item, oldObject?.[key]);
  }
}

/** The errors of every x-kubernetes-validations rule in the object (`old` on update). */
export function validateRules(schema: JSONSchemaProps, obj: Record<string, unknown>, old?: Record<string, unknown>): FieldError[] {
  const errors: FieldError[] = [];
  walk(errors, '', schema, obj, old);
  return errors;
}

/** Whether any node of the schema has x-kubernetes-validations (most have none: skip the walk). */
export function hasRules(schema: JSONSchemaProps | undefined, depth = 0): boolean {
  if (schema === undefined || depth > 64) return false;
  if (Array.isArray(schema['x-kubernetes-validations']) && schema['x-kubernetes-validations'].length > 0) return true;
  if (isPlainObject(schema.properties) && Object.keys(schema.properties).some((k) => hasRules(propertySchema(schema, k), depth + 1))) return true;
  return hasRules(itemSchema(schema), depth + 1) || hasRules(valueSchema(schema), depth + 1);
}
