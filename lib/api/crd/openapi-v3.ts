// The OpenAPI v3 document of a custom group version (/openapi/v3/apis/<group>/<version>), as
// kube-apiserver publishes a CustomResourceDefinition's: each kind's schema under its reversed-group
// name (com.example.v1.Widget) with apiVersion, kind and metadata (ObjectMeta) filled in and
// x-kubernetes-group-version-kind; its list; and the paths with their actions and query parameters
// (fieldValidation among them, which kubectl looks for before it sends a body). kubectl explain and
// client-go's typed views read it.
import type { CustomVersion } from './definition.js';
import type { JSONSchemaProps } from './schema.js';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** com.example.v1.Widget for group example.com, version v1, kind Widget. */
export function customSchemaName(group: string, version: string, kind: string): string {
  return [...group.split('.').reverse(), version, kind].join('.');
}

function objectSchema(v: CustomVersion): JSONSchemaProps {
  const { info } = v;
  const properties = { ...(v.schema.properties ?? {}) };
  properties.apiVersion = {
    type: 'string',
    description:
      'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources',
  };
  properties.kind = {
    type: 'string',
    description:
      'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds',
  };
  properties.metadata = { allOf: [ref(`${META}.ObjectMeta`)], description: "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata" } as JSONSchemaProps;
  return { ...v.schema, type: 'object', properties, 'x-kubernetes-group-version-kind': [{ group: info.group, version: info.version, kind: info.kind }] };
}

function listSchema(v: CustomVersion, itemName: string): JSONSchemaProps {
  const { info } = v;
  return {
    type: 'object',
    description: `${info.listKind} is a list of ${info.kind}`,
    required: ['items'],
    properties: {
      apiVersion: { type: 'string' },
      items: { type: 'array', items: ref(itemName) as JSONSchemaProps, description: `List of ${info.resource}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md` },
      kind: { type: 'string' },
      metadata: { allOf: [ref(`${META}.ListMeta`)] } as JSONSchemaProps,
    },
    'x-kubernetes-group-version-kind': [{ group: info.group, version: info.version, kind: info.listKind }],
  };
}

function query(name: string, type = 'string') {
  return { name, in: 'query', schema: { type, uniqueItems: true } };
}

const WRITE_PARAMS = [query('dryRun'), query('fieldManager'), query('fieldValidation')];
const LIST_PARAMS = ['allowWatchBookmarks', 'continue', 'fieldSelector', 'labelSelector', 'limit', 'resourceVersion', 'resourceVersionMatch', 'sendInitialEvents', 'timeoutSeconds', 'watch'].map((n) =>
  query(n, n === 'limit' || n === 'timeoutSeconds' ? 'integer' : n === 'watch' || n === 'allowWatchBookmarks' || n === 'sendInitialEvents' ? 'boolean' : 'string'),
);

function content(name: string) {
  return { 'application/json': { schema: ref(name) }, 'application/yaml': { schema: ref(name) } };
}

function operation(action: string, id: string, gvk: object, schema: string, extra: Record<string, unknown> = {}) {
  return { operationId: id, 'x-kubernetes-action': action, 'x-kubernetes-group-version-kind': gvk, responses: { '200': { description: 'OK', content: content(schema) } }, ...extra };
}

function paths(v: CustomVersion, name: string, listName: string): Record<string, unknown> {
  const { info } = v;
  const base = `/apis/${info.group}/${info.version}`;
  const scoped = info.namespaced ? `${base}/namespaces/{namespace}/${info.resource}` : `${base}/${info.resource}`;
  const gvk = { group: info.group, version: info.version, kind: info.kind };
  const body = (schema: string) => ({ requestBody: { content: { '*/*': { schema: ref(schema) } }, required: true } });
  const patchBody = { requestBody: { content: Object.fromEntries(['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'].map((t) => [t, { schema: ref(`${META}.Patch`) }])), required: true } };
  const pathParams = [
    ...(info.namespaced ? [{ name: 'namespace', in: 'path', required: true, schema: { type: 'string', uniqueItems: true } }] : []),
  ];
  const nameParam = { name: 'name', in: 'path', required: true, schema: { type: 'string', uniqueItems: true } };
  const id = `${info.kind}${info.version}`;
  const out: Record<string, unknown> = {
    [scoped]: {
      parameters: pathParams,
      get: operation('list', `list${id}`, gvk, listName, { parameters: LIST_PARAMS }),
      post: operation('post', `create${id}`, gvk, name, { parameters: WRITE_PARAMS, ...body(name) }),
      delete: operation('deletecollection', `deletecollection${id}`, gvk, `${META}.Status`, { parameters: LIST_PARAMS }),
    },
    [`${scoped}/{name}`]: {
      parameters: [...pathParams, nameParam],
      get: operation('get', `read${id}`, gvk, name),
      put: operation('put', `replace${id}`, gvk, name, { parameters: WRITE_PARAMS, ...body(name) }),
      patch: operation('patch', `patch${id}`, gvk, name, { parameters: [...WRITE_PARAMS, query('force', 'boolean')], ...patchBody }),
      delete: operation('delete', `delete${id}`, gvk, `${META}.Status`, { parameters: [query('dryRun'), query('gracePeriodSeconds', 'integer'), query('propagationPolicy')] }),
    },
  };
  if (info.namespaced) out[`${base}/${info.resource}`] = { get: operation('list', `list${id}ForAllNamespaces`, gvk, listName, { parameters: LIST_PARAMS }) };
  for (const sub of info.subresources) {
    const schema = sub === 'scale' ? 'io.k8s.api.autoscaling.v1.Scale' : name;
    const subGvk = sub === 'scale' ? { group: 'autoscaling', version: 'v1', kind: 'Scale' } : gvk;
    out[`${scoped}/{name}/${sub}`] = {
      parameters: [...pathParams, nameParam],
      get: operation('get', `read${id}${sub}`, subGvk, schema),
      put: operation('put', `replace${id}${sub}`, subGvk, schema, { parameters: WRITE_PARAMS, ...body(schema) }),
      patch: operation('patch', `patch${id}${sub}`, subGvk, schema, { parameters: [...WRITE_PARAMS, query('force', 'boolean')], ...patchBody }),
    };
  }
  return out;
}

/**
 * The document of one custom group version, from its kinds' versions and the shared schemas
 * (ObjectMeta, ListMeta, Status, Patch, Scale, ...) it references.
 */
export function customGroupVersionDocument(versions: readonly CustomVersion[], shared: Record<string, unknown>): Record<string, unknown> {
  const schemas: Record<string, unknown> = { ...shared };
  let allPaths: Record<string, unknown> = {};
  for (const v of versions) {
    const name = customSchemaName(v.info.group, v.info.version, v.info.kind);
    const listName = customSchemaName(v.info.group, v.info.version, v.info.listKind);
    schemas[name] = objectSchema(v);
    schemas[listName] = listSchema(v, name);
    allPaths = { ...allPaths, ...paths(v, name, listName) };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes CRD Swagger', version: 'v0.1.0' },
    paths: Object.fromEntries(Object.keys(allPaths).sort().map((k) => [k, allPaths[k]])),
    components: { schemas: Object.fromEntries(Object.keys(schemas).sort().map((k) => [k, schemas[k]])) },
  };
}
