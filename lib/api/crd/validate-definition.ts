// Validation of a CustomResourceDefinition as Kubernetes' apiextensions validation does it: the
// name is <plural>.<group>, names are DNS labels, scope is Cluster or Namespaced, exactly one
// version is the storage version, every version has a structural schema (NonStructuralSchema
// rules), subresource paths and printer columns are sound, CEL rules compile and defaults are
// valid and pruned. The 422 names the field as Kubernetes names it.
import { fieldErrors, type FieldError } from '../field-errors.js';
import { isDNS1035Label, isDNS1123Subdomain } from '../names.js';
import { isPlainObject } from '../object.js';
import { ruleCompileError } from './cel-rules.js';
import { parseSimplePath } from './json-path.js';
import { compiledPattern } from './patterns.js';
import { pruneCustomObject } from './prune.js';
import { asSchema, itemSchema, type JSONSchemaProps, valueSchema } from './schema.js';
import { validateValue } from './validate-object.js';

type Rec = Record<string, unknown>;

const SCOPES = ['Cluster', 'Namespaced'];
const TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'];
const COLUMN_TYPES = ['integer', 'number', 'string', 'boolean', 'date'];
/** Fields a v1 structural schema may not use. */
const FORBIDDEN = ['$ref', '$schema', 'id', 'additionalItems', 'patternProperties', 'definitions', 'dependencies'];
const MAX_DEPTH = 64;

function rec(value: unknown): Rec {
  return isPlainObject(value) ? value : {};
}

function dns1035(errors: FieldError[], path: string, value: unknown, required = true): void {
  if (typeof value !== 'string' || value === '') {
    if (required) errors.push(fieldErrors.required(path, ''));
    return;
  }
  for (const message of isDNS1035Label(value)) errors.push(fieldErrors.invalid(path, value, message));
}

function validateNames(errors: FieldError[], path: string, names: Rec): void {
  dns1035(errors, `${path}.plural`, names.plural);
  dns1035(errors, `${path}.singular`, names.singular, false);
  if (typeof names.kind !== 'string' || names.kind === '') errors.push(fieldErrors.required(`${path}.kind`, ''));
  else if (!/^[A-Za-z][A-Za-z0-9]*$/.test(names.kind)) errors.push(fieldErrors.invalid(`${path}.kind`, names.kind, 'may have mixed case, but should otherwise match: [a-z]([-a-z0-9]*[a-z0-9])?'));
  if (names.listKind !== undefined && (typeof names.listKind !== 'string' || !/^[A-Za-z][A-Za-z0-9]*$/.test(names.listKind))) {
    errors.push(fieldErrors.invalid(`${path}.listKind`, names.listKind, 'may have mixed case, but should otherwise match: [a-z]([-a-z0-9]*[a-z0-9])?'));
  }
  if (names.listKind !== undefined && names.listKind === names.kind) errors.push(fieldErrors.invalid(`${path}.listKind`, names.listKind, 'kind and listKind may not be the same'));
  for (const [field, list] of [['shortNames', names.shortNames], ['categories', names.categories]] as const) {
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      errors.push(fieldErrors.typeInvalid(`${path}.${field}`, list, 'must be an array'));
      continue;
    }
    list.forEach((item, i) => dns1035(errors, `${path}.${field}[${i}]`, item));
  }
}

function structural(errors: FieldError[], path: string, schema: unknown, root: boolean, depth: number): void {
  const s = asSchema(schema);
  if (!s) {
    errors.push(fieldErrors.invalid(path, schema, 'must be a schema object'));
    return;
  }
  if (depth > MAX_DEPTH) {
    errors.push(fieldErrors.forbidden(path, `must not nest deeper than ${MAX_DEPTH} levels`));
    return;
  }
  for (const field of FORBIDDEN) if (field in s) errors.push(fieldErrors.forbidden(`${path}.${field}`, `${field} is forbidden`));
  if (s.uniqueItems === true) errors.push(fieldErrors.forbidden(`${path}.uniqueItems`, 'uniqueItems cannot be set to true since the runtime complexity becomes quadratic'));
  const intOrString = s['x-kubernetes-int-or-string'] === true;
  const preserve = s['x-kubernetes-preserve-unknown-fields'];
  if (preserve !== undefined && preserve !== true) errors.push(fieldErrors.invalid(`${path}.x-kubernetes-preserve-unknown-fields`, preserve, 'must be true or undefined'));
  if (s.type !== undefined && (typeof s.type !== 'string' || !TYPES.includes(s.type))) {
    errors.push(fieldErrors.notSupported(`${path}.type`, s.type, TYPES));
  } else if (intOrString && s.type !== undefined) {
    errors.push(fieldErrors.invalid(`${path}.type`, s.type, 'must be empty if x-kubernetes-int-or-string is true'));
  } else if (s.type === undefined && !intOrString && preserve !== true) {
    errors.push(fieldErrors.required(`${path}.type`, root ? 'must not be empty at the root' : 'must not be empty for specified object fields'));
  }
  if (root && s.type !== undefined && s.type !== 'object') errors.push(fieldErrors.invalid(`${path}.type`, s.type, 'must be object at the root'));
  if (s['x-kubernetes-embedded-resource'] === true && s.type !== 'object') errors.push(fieldErrors.invalid(`${path}.type`, s.type, 'must be object if x-kubernetes-embedded-resource is true'));
  if (s.properties !== undefined && s.additionalProperties !== undefined && s.additionalProperties !== false) {
    errors.push(fieldErrors.forbidden(`${path}.additionalProperties`, 'additionalProperties and properties are mutual exclusive'));
  }
  if (s.properties !== undefined) {
    if (!isPlainObject(s.properties)) errors.push(fieldErrors.invalid(`${path}.properties`, s.properties, 'must be an object'));
    else for (const [name, property] of Object.entries(s.properties)) structural(errors, `${path}.properties[${name}]`, property, false, depth + 1);
  }
  if (typeof s.additionalProperties === 'object') structural(errors, `${path}.additionalProperties`, s.additionalProperties, false, depth + 1);
  if (s.type === 'array') {
    if (s.items === undefined) errors.push(fieldErrors.required(`${path}.items`, 'must be specified'));
    else if (Array.isArray(s.items)) errors.push(fieldErrors.forbidden(`${path}.items`, 'items must be a schema object and not an array'));
    else structural(errors, `${path}.items`, s.items, false, depth + 1);
  }
  if (s.required !== undefined && (!Array.isArray(s.required) || s.required.some((r) => typeof r !== 'string'))) {
    errors.push(fieldErrors.invalid(`${path}.required`, s.required, 'must be a list of property names'));
  }
  if (s.enum !== undefined && !Array.isArray(s.enum)) errors.push(fieldErrors.invalid(`${path}.enum`, s.enum, 'must be a list of values'));
  if (s.pattern !== undefined && (typeof s.pattern !== 'string' || compiledPattern(s.pattern) === undefined)) {
    errors.push(fieldErrors.invalid(`${path}.pattern`, s.pattern, 'must be a valid regular expression'));
  }
  for (const bound of ['maximum', 'minimum', 'multipleOf', 'maxLength', 'minLength', 'maxItems', 'minItems', 'maxProperties', 'minProperties'] as const) {
    const value = s[bound];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || (bound !== 'maximum' && bound !== 'minimum' && value < 0))) {
      errors.push(fieldErrors.invalid(`${path}.${bound}`, value, 'must be a non-negative number'));
    }
  }
  for (const combinator of ['allOf', 'anyOf', 'oneOf'] as const) {
    if (s[combinator] !== undefined) errors.push(fieldErrors.forbidden(`${path}.${combinator}`, `${combinator} is not supported by this server`));
  }
  if (s.not !== undefined) errors.push(fieldErrors.forbidden(`${path}.not`, 'not is not supported by this server'));
  const rules = s['x-kubernetes-validations'];
  if (rules !== undefined) {
    if (!Array.isArray(rules)) errors.push(fieldErrors.invalid(`${path}.x-kubernetes-validations`, rules, 'must be a list of rules'));
    else {
      rules.forEach((rule, i) => {
        const rulePath = `${path}.x-kubernetes-validations[${i}]`;
        if (!isPlainObject(rule) || typeof rule.rule !== 'string' || rule.rule.trim() === '') {
          errors.push(fieldErrors.required(`${rulePath}.rule`, ''));
          return;
        }
        const compileError = ruleCompileError(rule.rule);
        if (compileError) errors.push(fieldErrors.invalid(`${rulePath}.rule`, rule.rule, compileError));
        if (rule.message !== undefined && (typeof rule.message !== 'string' || rule.message.trim() === '')) {
          errors.push(fieldErrors.invalid(`${rulePath}.message`, rule.message, 'message must be non-empty if specified'));
        }
      });
    }
  }
}

/** A default must be what the schema accepts, and survive pruning unchanged. */
function checkDefaults(errors: FieldError[], path: string, schema: JSONSchemaProps | undefined, depth: number): void {
  if (schema === undefined || depth > MAX_DEPTH) return;
  if (schema.default !== undefined) {
    const found: FieldError[] = [];
    validateValue(found, '', schema, schema.default);
    if (found.length > 0) errors.push(fieldErrors.invalid(`${path}.default`, schema.default, found.map((e) => `${e.field || '<root>'}: ${e.detail ?? e.type}`).join(', ')));
    else if (isPlainObject(schema.default)) {
      const copy = structuredClone(schema.default);
      if (pruneCustomObject(copy, { ...schema, 'x-kubernetes-embedded-resource': false }).length > 0) errors.push(fieldErrors.invalid(`${path}.default`, schema.default, 'must not have unknown fields'));
    }
  }
  if (isPlainObject(schema.properties)) for (const [name, p] of Object.entries(schema.properties)) checkDefaults(errors, `${path}.properties[${name}]`, asSchema(p), depth + 1);
  checkDefaults(errors, `${path}.items`, itemSchema(schema), depth + 1);
  checkDefaults(errors, `${path}.additionalProperties`, valueSchema(schema), depth + 1);
}

/** At the root only name and generateName may be specified for metadata. */
function checkRootMetadata(errors: FieldError[], path: string, schema: JSONSchemaProps): void {
  const metadata = asSchema(rec(schema.properties).metadata);
  if (!metadata) return;
  const allowed = new Set(['type', 'properties', 'description']);
  for (const key of Object.keys(metadata)) if (!allowed.has(key)) errors.push(fieldErrors.forbidden(`${path}.properties[metadata].${key}`, 'must not be specified'));
  if (metadata.type !== undefined && metadata.type !== 'object') errors.push(fieldErrors.invalid(`${path}.properties[metadata].type`, metadata.type, 'must be object'));
  for (const name of Object.keys(rec(metadata.properties))) {
    if (name !== 'name' && name !== 'generateName') errors.push(fieldErrors.forbidden(`${path}.properties[metadata].properties[${name}]`, 'must not be specified'));
  }
}

function validateSubresources(errors: FieldError[], path: string, subresources: unknown): void {
  if (subresources === undefined) return;
  const sub = rec(subresources);
  if (sub.scale === undefined) return;
  const scale = rec(sub.scale);
  const check = (field: string, under: string, required: boolean): void => {
    const value = scale[field];
    if (value === undefined || value === '') {
      if (required) errors.push(fieldErrors.required(`${path}.scale.${field}`, ''));
      return;
    }
    const steps = typeof value === 'string' ? parseSimplePath(value) : undefined;
    if (!steps) errors.push(fieldErrors.invalid(`${path}.scale.${field}`, value, 'must be a valid json path'));
    else if (under !== '' && (steps[0] !== under || steps.length < 2)) errors.push(fieldErrors.invalid(`${path}.scale.${field}`, value, `should be a json path under .${under}`));
  };
  check('specReplicasPath', 'spec', true);
  check('statusReplicasPath', 'status', true);
  check('labelSelectorPath', '', false);
  const selector = scale.labelSelectorPath;
  if (typeof selector === 'string' && selector !== '' && !selector.startsWith('.spec.') && !selector.startsWith('.status.')) {
    errors.push(fieldErrors.invalid(`${path}.scale.labelSelectorPath`, selector, 'should be a json path under either .spec or .status'));
  }
}

function validateColumns(errors: FieldError[], path: string, columns: unknown): void {
  if (columns === undefined) return;
  if (!Array.isArray(columns)) {
    errors.push(fieldErrors.invalid(path, columns, 'must be a list of columns'));
    return;
  }
  columns.forEach((column, i) => {
    const c = rec(column);
    const at = `${path}[${i}]`;
    if (typeof c.name !== 'string' || c.name === '') errors.push(fieldErrors.required(`${at}.name`, ''));
    if (typeof c.type !== 'string' || c.type === '') errors.push(fieldErrors.required(`${at}.type`, ''));
    else if (!COLUMN_TYPES.includes(c.type)) errors.push(fieldErrors.notSupported(`${at}.type`, c.type, COLUMN_TYPES));
    if (typeof c.jsonPath !== 'string' || c.jsonPath === '') errors.push(fieldErrors.required(`${at}.jsonPath`, ''));
    else if (!parseSimplePath(c.jsonPath)) errors.push(fieldErrors.invalid(`${at}.jsonPath`, c.jsonPath, 'must be a simple json path'));
    if (c.priority !== undefined && (typeof c.priority !== 'number' || !Number.isInteger(c.priority) || c.priority < 0)) {
      errors.push(fieldErrors.invalid(`${at}.priority`, c.priority, 'must be a non-negative integer'));
    }
  });
}

function validateVersions(errors: FieldError[], versions: unknown): void {
  if (!Array.isArray(versions) || versions.length === 0) {
    errors.push(fieldErrors.invalid('spec.versions', versions ?? null, 'must have exactly one version marked as storage version'));
    return;
  }
  const seen = new Set<string>();
  let storage = 0;
  let served = 0;
  versions.forEach((raw, i) => {
    const path = `spec.versions[${i}]`;
    const v = rec(raw);
    dns1035(errors, `${path}.name`, v.name);
    if (typeof v.name === 'string') {
      if (seen.has(v.name)) errors.push(fieldErrors.duplicate(`${path}.name`, v.name));
      seen.add(v.name);
    }
    if (v.storage === true) storage += 1;
    if (v.served === true) served += 1;
    const schema = rec(v.schema).openAPIV3Schema;
    const schemaPath = `${path}.schema.openAPIV3Schema`;
    if (schema === undefined) errors.push(fieldErrors.required(schemaPath, 'schemas are required'));
    else {
      const before = errors.length;
      structural(errors, schemaPath, schema, true, 0);
      if (errors.length === before) {
        checkRootMetadata(errors, schemaPath, schema as JSONSchemaProps);
        checkDefaults(errors, schemaPath, schema as JSONSchemaProps, 0);
      }
    }
    validateSubresources(errors, `${path}.subresources`, v.subresources);
    validateColumns(errors, `${path}.additionalPrinterColumns`, v.additionalPrinterColumns);
  });
  if (storage !== 1) errors.push(fieldErrors.invalid('spec.versions', versions, 'must have exactly one version marked as storage version'));
  if (served === 0) errors.push(fieldErrors.invalid('spec.versions', versions, 'must have at least one version marked as served'));
}

/** The errors of a CustomResourceDefinition's spec and name (metadata's generic rules are the caller's). */
export function validateDefinition(obj: Rec): FieldError[] {
  const errors: FieldError[] = [];
  const spec = rec(obj.spec);
  const names = rec(spec.names);
  const group = spec.group;
  if (typeof group !== 'string' || group === '') errors.push(fieldErrors.required('spec.group', ''));
  else {
    for (const message of isDNS1123Subdomain(group)) errors.push(fieldErrors.invalid('spec.group', group, message));
    if (!group.includes('.')) errors.push(fieldErrors.invalid('spec.group', group, 'should be a domain with at least one dot'));
  }
  const name = rec(obj.metadata).name;
  if (typeof names.plural === 'string' && typeof group === 'string' && name !== `${names.plural}.${group}`) {
    errors.push(fieldErrors.invalid('metadata.name', name ?? '', 'must be spec.names.plural+"."+spec.group'));
  }
  if (!SCOPES.includes(spec.scope as string)) errors.push(fieldErrors.notSupported('spec.scope', spec.scope ?? '', SCOPES));
  validateNames(errors, 'spec.names', names);
  validateVersions(errors, spec.versions);
  const conversion = rec(spec.conversion);
  if (conversion.strategy !== undefined && conversion.strategy !== 'None') {
    errors.push(fieldErrors.notSupported('spec.conversion.strategy', conversion.strategy, ['None']));
  }
  return errors;
}

/** What an update may not change: the group, the scope and (once stored) the kind of its objects. */
export function validateDefinitionUpdate(next: Rec, old: Rec): FieldError[] {
  const errors = validateDefinition(next);
  const spec = rec(next.spec);
  const before = rec(old.spec);
  if (spec.group !== before.group) errors.push(fieldErrors.invalid('spec.group', spec.group, 'field is immutable'));
  if (spec.scope !== before.scope) errors.push(fieldErrors.invalid('spec.scope', spec.scope, 'field is immutable'));
  return errors;
}
