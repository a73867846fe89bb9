// The shapes of the OpenAPI v2 (swagger) document: paths, operations and parameters.
import type { Definitions, GroupVersionKind, Schema } from './schema.js';

export type ParameterType = 'string' | 'integer' | 'boolean';

export interface Parameter {
  name: string;
  in: 'query' | 'path' | 'body';
  /** Query and path parameters only. */
  description?: string;
  required?: boolean;
  /** Query and path parameters only. */
  type?: ParameterType;
  uniqueItems?: boolean;
  /** Body parameters only. */
  schema?: Schema;
}

export interface Response {
  description: string;
  schema?: Schema;
}

/** What Kubernetes calls the operation in x-kubernetes-action. */
export type Action = 'get' | 'list' | 'watch' | 'watchlist' | 'post' | 'put' | 'patch' | 'delete' | 'deletecollection';

export interface Operation {
  description: string;
  consumes: string[];
  produces: string[];
  schemes: string[];
  tags: string[];
  operationId: string;
  parameters: Parameter[];
  responses: Record<string, Response>;
  'x-kubernetes-action'?: Action;
  'x-kubernetes-group-version-kind'?: GroupVersionKind;
}

export const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
export type Method = (typeof METHODS)[number];

export type PathItem = { [M in Method]?: Operation } & { parameters?: Parameter[] };

export type Paths = Record<string, PathItem>;

export interface SwaggerDocument {
  swagger: '2.0';
  info: { title: string; version: string };
  paths: Paths;
  definitions: Definitions;
}
