// The swagger document as gnostic's OpenAPI v2 protobuf, the form client-go asks for
// (kubectl reads its schemas and the PATCH parameters of each kind from it). The mapping
// follows gnostic's JSON-to-proto rules: "$ref" → _ref, type → TypeItem, items → ItemsItem,
// x-* keys → NamedAny with the value as YAML text.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import type { Operation, Parameter, PathItem, SwaggerDocument } from '../../lib/api/openapi/document-types.js';
import { METHODS } from '../../lib/api/openapi/document-types.js';
import type { Schema } from '../../lib/api/openapi/schema.js';

/** The .proto lives in the source tree; the compiled module finds it from dist/ as well. */
function protoPath(): string {
  const candidates = ['./openapiv2.proto', '../../../build-tools/openapi/openapiv2.proto'].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`openapiv2.proto not found (looked in ${candidates.join(', ')})`);
  return found;
}

let cachedRoot: protobuf.Root | undefined;

/** The openapi.v2 message types, field names as written in the .proto (snake_case). */
export function openApiV2Types(): protobuf.Root {
  cachedRoot ??= protobuf.parse(readFileSync(protoPath(), 'utf8'), { keepCase: true }).root;
  return cachedRoot;
}

export function encodeSwagger(document: SwaggerDocument): Uint8Array {
  const type = openApiV2Types().lookupType('openapi.v2.Document');
  const message = type.fromObject(documentMessage(document));
  return type.encode(message).finish();
}

type Message = Record<string, unknown>;

function documentMessage(document: SwaggerDocument): Message {
  return {
    swagger: document.swagger,
    info: { title: document.info.title, version: document.info.version },
    paths: { path: Object.entries(document.paths).map(([name, item]) => ({ name, value: pathItemMessage(item) })) },
    definitions: { additional_properties: Object.entries(document.definitions).map(([name, schema]) => ({ name, value: schemaMessage(schema) })) },
  };
}

function pathItemMessage(item: PathItem): Message {
  const message: Message = {};
  for (const method of METHODS) {
    const operation = item[method];
    if (operation) message[method] = operationMessage(operation);
  }
  if (item.parameters) message.parameters = item.parameters.map(parameterMessage);
  return message;
}

function operationMessage(operation: Operation): Message {
  return {
    tags: operation.tags,
    description: operation.description,
    operation_id: operation.operationId,
    produces: operation.produces,
    consumes: operation.consumes,
    schemes: operation.schemes,
    parameters: operation.parameters.map(parameterMessage),
    responses: {
      response_code: Object.entries(operation.responses).map(([name, response]) => {
        const value: Message = { description: response.description };
        if (response.schema) value.schema = { schema: schemaMessage(response.schema) };
        return { name, value: { response: value } };
      }),
    },
    vendor_extension: extensions(operation),
  };
}

function parameterMessage(parameter: Parameter): Message {
  if (parameter.in === 'body') {
    return {
      parameter: {
        body_parameter: {
          description: parameter.description,
          name: parameter.name,
          in: parameter.in,
          required: parameter.required ?? false,
          schema: parameter.schema ? schemaMessage(parameter.schema) : undefined,
        },
      },
    };
  }
  const common = {
    required: parameter.required ?? false,
    in: parameter.in,
    description: parameter.description ?? '',
    name: parameter.name,
    type: parameter.type ?? 'string',
    unique_items: parameter.uniqueItems ?? false,
  };
  const nonBody = parameter.in === 'path' ? { path_parameter_sub_schema: common } : { query_parameter_sub_schema: common };
  return { parameter: { non_body_parameter: nonBody } };
}

function schemaMessage(schema: Schema): Message {
  const message: Message = {};
  if (schema.$ref) message._ref = schema.$ref;
  if (schema.format) message.format = schema.format;
  if (schema.description) message.description = schema.description;
  if (schema.required) message.required = schema.required;
  if (schema.additionalProperties !== undefined) {
    message.additional_properties =
      typeof schema.additionalProperties === 'boolean' ? { boolean: schema.additionalProperties } : { schema: schemaMessage(schema.additionalProperties) };
  }
  if (schema.type) message.type = { value: [schema.type] };
  if (schema.items) message.items = { schema: [schemaMessage(schema.items)] };
  if (schema.properties) {
    message.properties = { additional_properties: Object.entries(schema.properties).map(([name, value]) => ({ name, value: schemaMessage(value) })) };
  }
  const vendor = extensions(schema);
  if (vendor.length > 0) message.vendor_extension = vendor;
  return message;
}

/** x-* members as NamedAny, in key order. */
function extensions(source: object): Message[] {
  return Object.entries(source)
    .filter(([key, value]) => key.startsWith('x-') && value !== undefined)
    .map(([name, value]) => ({ name, value: { yaml: `${JSON.stringify(value)}\n` } }));
}
