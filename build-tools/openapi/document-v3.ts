// OpenAPI v3 documents, one per group version (/openapi/v3/api/v1, /openapi/v3/apis/apps/v1),
// derived from the v2 paths and definitions the way Kubernetes converts them: references move
// to #/components/schemas, a reference with its own description is wrapped in allOf, body
// parameters become requestBody and response schemas are listed per media type.
import type { Operation, Parameter, PathItem, Paths, SwaggerDocument } from '../../lib/api/openapi/document-types.js';
import { METHODS } from '../../lib/api/openapi/document-types.js';
import { groupVersionOfPath } from './paths.js';
import { closure, refName, type Schema } from '../../lib/api/openapi/schema.js';
import { INT_OR_STRING, QUANTITY } from '../../lib/api/openapi/type-names.js';

export type V3Schema = Omit<Schema, 'properties' | 'items' | 'additionalProperties'> & {
  allOf?: V3Schema[];
  oneOf?: V3Schema[];
  uniqueItems?: boolean;
  properties?: Record<string, V3Schema>;
  items?: V3Schema;
  additionalProperties?: V3Schema | boolean;
};

export interface V3Parameter {
  name: string;
  in: 'query' | 'path';
  description: string;
  required?: boolean;
  schema: V3Schema;
}

interface V3MediaTypes {
  content: Record<string, { schema: V3Schema }>;
}

export interface V3Operation {
  tags: string[];
  description: string;
  operationId: string;
  parameters?: V3Parameter[];
  requestBody?: V3MediaTypes & { required: boolean };
  responses: Record<string, { description: string } & Partial<V3MediaTypes>>;
  'x-kubernetes-action'?: Operation['x-kubernetes-action'];
  'x-kubernetes-group-version-kind'?: Operation['x-kubernetes-group-version-kind'];
}

export type V3PathItem = { [M in (typeof METHODS)[number]]?: V3Operation } & { parameters?: V3Parameter[] };

export interface OpenAPIV3Document {
  openapi: '3.0.0';
  info: { title: string; version: string };
  paths: Record<string, V3PathItem>;
  components: { schemas: Record<string, V3Schema> };
}

const V3_PREFIX = '#/components/schemas/';

/** The v3 document of each group version, keyed as the /openapi/v3 index names them ("api/v1"). */
export function buildV3Documents(swagger: SwaggerDocument): Map<string, OpenAPIV3Document> {
  const byGroupVersion = new Map<string, Paths>();
  for (const [path, item] of Object.entries(swagger.paths)) {
    const key = groupVersionOfPath(path);
    if (!key) continue;
    const paths = byGroupVersion.get(key) ?? {};
    paths[path] = item;
    byGroupVersion.set(key, paths);
  }
  const documents = new Map<string, OpenAPIV3Document>();
  for (const [key, paths] of byGroupVersion) documents.set(key, buildDocument(swagger, paths));
  return documents;
}

function buildDocument(swagger: SwaggerDocument, paths: Paths): OpenAPIV3Document {
  const v3Paths: Record<string, V3PathItem> = {};
  const roots = new Set<string>();
  for (const [path, item] of Object.entries(paths)) v3Paths[path] = convertPathItem(item, roots);
  const schemas: Record<string, V3Schema> = {};
  for (const name of closure(swagger.definitions, roots)) schemas[name] = convertDefinition(name, swagger.definitions[name]!);
  return { openapi: '3.0.0', info: swagger.info, paths: v3Paths, components: { schemas } };
}

function convertPathItem(item: PathItem, roots: Set<string>): V3PathItem {
  const converted: V3PathItem = {};
  for (const method of METHODS) {
    const operation = item[method];
    if (operation) converted[method] = convertOperation(operation, roots);
  }
  if (item.parameters) converted.parameters = item.parameters.map(convertParameter);
  return converted;
}

function convertOperation(operation: Operation, roots: Set<string>): V3Operation {
  const converted: V3Operation = {
    tags: operation.tags,
    description: operation.description,
    operationId: operation.operationId,
    responses: {},
  };
  const parameters = operation.parameters.filter((p) => p.in !== 'body').map(convertParameter);
  if (parameters.length > 0) converted.parameters = parameters;
  const bodyParam = operation.parameters.find((p) => p.in === 'body');
  if (bodyParam?.schema) {
    noteRoots(bodyParam.schema, roots);
    const schema = convertSchema(bodyParam.schema);
    converted.requestBody = { content: Object.fromEntries(operation.consumes.map((type) => [type, { schema }])), required: true };
  }
  for (const [code, response] of Object.entries(operation.responses)) {
    if (!response.schema) {
      converted.responses[code] = { description: response.description };
      continue;
    }
    noteRoots(response.schema, roots);
    const schema = convertSchema(response.schema);
    converted.responses[code] = { description: response.description, content: Object.fromEntries(operation.produces.map((type) => [type, { schema }])) };
  }
  if (operation['x-kubernetes-action']) converted['x-kubernetes-action'] = operation['x-kubernetes-action'];
  if (operation['x-kubernetes-group-version-kind']) converted['x-kubernetes-group-version-kind'] = operation['x-kubernetes-group-version-kind'];
  return converted;
}

function convertParameter(parameter: Parameter): V3Parameter {
  const schema: V3Schema = { type: parameter.type ?? 'string' };
  if (parameter.uniqueItems) schema.uniqueItems = true;
  const converted: V3Parameter = { name: parameter.name, in: parameter.in as 'query' | 'path', description: parameter.description ?? '', schema };
  if (parameter.required) converted.required = true;
  return converted;
}

function noteRoots(schema: Schema, roots: Set<string>): void {
  if (schema.$ref) roots.add(refName(schema.$ref));
}

/**
 * Types that accept two JSON types are written with oneOf in v3, as Kubernetes does; with no
 * `type` of their own, kubectl explain names them by their definition (<IntOrString>, <Quantity>).
 */
const ONE_OF_TYPES: Record<string, V3Schema[]> = {
  [INT_OR_STRING]: [{ type: 'integer' }, { type: 'string' }],
  [QUANTITY]: [{ type: 'string' }, { type: 'number' }],
};

function convertDefinition(name: string, schema: Schema): V3Schema {
  const converted = convertSchema(schema);
  const oneOf = ONE_OF_TYPES[name];
  if (!oneOf) return converted;
  const { type: _type, ...rest } = converted;
  return { ...rest, oneOf };
}

/** A v2 schema in v3 form. A $ref beside other keys becomes allOf, since v3 ignores a $ref's siblings. */
export function convertSchema(schema: Schema): V3Schema {
  const { $ref, properties, items, additionalProperties, ...rest } = schema;
  const converted: V3Schema = { ...rest };
  if ($ref) {
    const ref = `${V3_PREFIX}${refName($ref)}`;
    if (Object.keys(rest).length === 0) return { $ref: ref };
    converted.allOf = [{ $ref: ref }];
  }
  if (properties) converted.properties = Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, convertSchema(v)]));
  if (items) converted.items = convertSchema(items);
  if (additionalProperties !== undefined) {
    converted.additionalProperties = typeof additionalProperties === 'boolean' ? additionalProperties : convertSchema(additionalProperties);
  }
  return converted;
}
