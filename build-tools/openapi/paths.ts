// The REST operations of every served resource, laid out as Kubernetes publishes them:
// one path per collection, object, subresource and (deprecated) watch URL, each operation
// tagged with x-kubernetes-action and x-kubernetes-group-version-kind. kubectl looks up the
// PATCH operation of a kind and checks it lists `fieldValidation` before it trusts the server
// to validate fields, so every write operation carries the full set of query parameters.
import { groupVersions, RESOURCES, type ResourceInfo } from '../../lib/api/resources.js';
import type { Action, Operation, Parameter, ParameterType, PathItem, Paths } from '../../lib/api/openapi/document-types.js';
import { BINDING_GVK, definitionOfKind, EVICTION_GVK, SCALE_GVK } from '../../lib/api/openapi/published-kinds.js';
import { definitionRef, type GroupVersionKind } from '../../lib/api/openapi/schema.js';
import { metaDefinitionName, VERSION_INFO } from '../../lib/api/openapi/type-names.js';

const JSON_YAML = ['application/json', 'application/yaml'];
const WATCHABLE = [...JSON_YAML, 'application/json;stream=watch'];
const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
];

function query(name: string, type: ParameterType, description: string): Parameter {
  return { name, in: 'query', description, type, uniqueItems: true };
}

const param = {
  pretty: query('pretty', 'string', "If 'true', the response is indented for people to read."),
  dryRun: query('dryRun', 'string', "When present ('All'), the request is validated and admitted but nothing is stored."),
  fieldManager: query('fieldManager', 'string', 'Names the actor making the change, recorded in managedFields.'),
  fieldValidation: query(
    'fieldValidation',
    'string',
    'How to treat fields the schema does not know, and duplicated fields: Ignore drops them silently, Warn (the default) drops them and answers with a Warning header for each, Strict fails the request with BadRequest.',
  ),
  force: query('force', 'boolean', 'Apply requests only: take ownership of fields other managers own instead of failing with a conflict.'),
  gracePeriodSeconds: query('gracePeriodSeconds', 'integer', 'Seconds before the object is deleted; 0 deletes at once. Defaults to the per-kind value.'),
  orphanDependents: query('orphanDependents', 'boolean', 'Deprecated: use propagationPolicy. Whether dependents are orphaned.'),
  propagationPolicy: query('propagationPolicy', 'string', 'Whether and how garbage collection removes dependents: Orphan, Background or Foreground.'),
  allowWatchBookmarks: query('allowWatchBookmarks', 'boolean', 'Watch only: the client accepts BOOKMARK events.'),
  continue: query('continue', 'string', 'The continue token from a previous page of a limited list.'),
  fieldSelector: query('fieldSelector', 'string', 'Restricts the objects returned by their fields. Defaults to everything.'),
  labelSelector: query('labelSelector', 'string', 'Restricts the objects returned by their labels. Defaults to everything.'),
  limit: query('limit', 'integer', 'Largest number of objects in one response; more pages follow through the continue token.'),
  resourceVersion: query('resourceVersion', 'string', 'The resource version the list or watch starts from; see resourceVersionMatch.'),
  resourceVersionMatch: query('resourceVersionMatch', 'string', 'How resourceVersion is applied to a list: Exact or NotOlderThan.'),
  sendInitialEvents: query('sendInitialEvents', 'boolean', 'Watch only: start with synthetic ADDED events for the current state.'),
  timeoutSeconds: query('timeoutSeconds', 'integer', 'Ends a list or watch call after this many seconds.'),
  watch: query('watch', 'boolean', 'Watch for changes instead of listing: a stream of add, update and remove notifications.'),
};

const LIST_PARAMS = [
  param.allowWatchBookmarks,
  param.continue,
  param.fieldSelector,
  param.labelSelector,
  param.limit,
  param.resourceVersion,
  param.resourceVersionMatch,
  param.sendInitialEvents,
  param.timeoutSeconds,
  param.watch,
];
const WRITE_PARAMS = [param.dryRun, param.fieldManager, param.fieldValidation];
const DELETE_PARAMS = [param.dryRun, param.gracePeriodSeconds, param.orphanDependents, param.propagationPolicy];

function pathParam(name: 'name' | 'namespace', kind: string): Parameter {
  const description = name === 'name' ? `name of the ${kind}` : 'object name and auth scope, such as for teams and projects';
  return { name, in: 'path', description, required: true, type: 'string', uniqueItems: true };
}

function body(definition: string): Parameter {
  return { name: 'body', in: 'body', required: true, schema: { $ref: definitionRef(definition) } };
}

function ok(definition: string, ...codes: string[]): Operation['responses'] {
  const responses: Operation['responses'] = {};
  for (const code of codes) responses[code] = { description: STATUS_TEXT[code]!, schema: { $ref: definitionRef(definition) } };
  responses['401'] = { description: 'Unauthorized' };
  return responses;
}

const STATUS_TEXT: Record<string, string> = { '200': 'OK', '201': 'Created', '202': 'Accepted' };

/** "Core" for the legacy group, "Apps", "Discovery" for discovery.k8s.io, "RbacAuthorization" for rbac.authorization.k8s.io. */
export function groupIdentifier(group: string): string {
  if (group === '') return 'Core';
  return group
    .replace(/\.k8s\.io$/, '')
    .split('.')
    .map(capitalize)
    .join('');
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** "core_v1", "apps_v1", "discovery_v1": the tag Kubernetes groups operations under. */
function tagOf(group: string, version: string): string {
  const id = groupIdentifier(group);
  return `${id.charAt(0).toLowerCase()}${id.slice(1)}_${version}`;
}

/** The URL prefix of a group version: /api/v1 or /apis/apps/v1. */
export function groupVersionPrefix(group: string, version: string): string {
  return group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
}

interface OperationSpec {
  action: Action;
  verb: string;
  description: string;
  gvk: GroupVersionKind;
  parameters: Parameter[];
  responses: Operation['responses'];
  consumes?: string[];
  produces?: string[];
  idSuffix?: string;
  /** Lists and watches across namespaces: the operation id drops "Namespaced". */
  allNamespaces?: boolean;
}

/** Operations of one resource, keyed by path. */
function resourcePaths(r: ResourceInfo): Paths {
  const prefix = groupVersionPrefix(r.group, r.version);
  const gv = `${groupIdentifier(r.group)}${capitalize(r.version)}`;
  const tags = [tagOf(r.group, r.version)];
  const kindGvk: GroupVersionKind = { group: r.group, version: r.version, kind: r.kind };
  const kindDef = definitionOfKind(kindGvk);
  const listDef = definitionOfKind({ ...kindGvk, kind: r.listKind });
  const statusDef = metaDefinitionName('Status');
  const deleteOptions = metaDefinitionName('DeleteOptions');
  const patchDef = metaDefinitionName('Patch');
  const watchEvent = metaDefinitionName('WatchEvent');
  const scope = r.namespaced ? 'Namespaced' : '';
  const collection = r.namespaced ? `${prefix}/namespaces/{namespace}/${r.resource}` : `${prefix}/${r.resource}`;
  const object = `${collection}/{name}`;
  const watchCollection = r.namespaced ? `${prefix}/watch/namespaces/{namespace}/${r.resource}` : `${prefix}/watch/${r.resource}`;
  const namespaceParam = r.namespaced ? [pathParam('namespace', r.kind)] : [];
  const collectionParams = [...namespaceParam, param.pretty];
  const objectParams = [pathParam('name', r.kind), ...namespaceParam, param.pretty];

  const operation = (spec: OperationSpec): Operation => ({
    description: spec.description,
    consumes: spec.consumes ?? ['*/*'],
    produces: spec.produces ?? JSON_YAML,
    schemes: ['https'],
    tags,
    operationId: `${spec.verb}${gv}${spec.allNamespaces ? '' : scope}${r.kind}${spec.idSuffix ?? ''}`,
    parameters: spec.parameters,
    responses: spec.responses,
    'x-kubernetes-action': spec.action,
    'x-kubernetes-group-version-kind': spec.gvk,
  });
  const read = (gvk: GroupVersionKind, definition: string, what: string, idSuffix = ''): Operation =>
    operation({ action: 'get', verb: 'read', description: `read ${what}`, gvk, parameters: [], responses: ok(definition, '200'), idSuffix });
  const replace = (gvk: GroupVersionKind, definition: string, what: string, idSuffix = ''): Operation =>
    operation({
      action: 'put',
      verb: 'replace',
      description: `replace ${what}`,
      gvk,
      parameters: [body(definition), ...WRITE_PARAMS],
      responses: ok(definition, '200', '201'),
      idSuffix,
    });
  const patch = (gvk: GroupVersionKind, definition: string, what: string, idSuffix = ''): Operation =>
    operation({
      action: 'patch',
      verb: 'patch',
      description: `partially update ${what}`,
      gvk,
      parameters: [body(patchDef), ...WRITE_PARAMS, param.force],
      responses: ok(definition, '200', '201'),
      consumes: PATCH_TYPES,
      idSuffix,
    });

  const paths: Paths = {};
  paths[collection] = {
    get: operation({
      action: 'list',
      verb: 'list',
      description: `list or watch objects of kind ${r.kind}`,
      gvk: kindGvk,
      parameters: LIST_PARAMS,
      responses: ok(listDef, '200'),
      produces: WATCHABLE,
    }),
    post: operation({
      action: 'post',
      verb: 'create',
      description: `create ${article(r.kind)} ${r.kind}`,
      gvk: kindGvk,
      parameters: [body(kindDef), ...WRITE_PARAMS],
      responses: ok(kindDef, '200', '201', '202'),
    }),
    delete: operation({
      action: 'deletecollection',
      verb: 'deleteCollection',
      description: `delete collection of ${r.kind}`,
      gvk: kindGvk,
      parameters: [body(deleteOptions), ...DELETE_PARAMS, ...LIST_PARAMS.filter((p) => p.name !== 'watch' && p.name !== 'allowWatchBookmarks')],
      responses: ok(statusDef, '200'),
    }),
    parameters: collectionParams,
  };
  paths[object] = {
    get: read(kindGvk, kindDef, `the specified ${r.kind}`),
    put: replace(kindGvk, kindDef, `the specified ${r.kind}`),
    delete: operation({
      action: 'delete',
      verb: 'delete',
      description: `delete ${article(r.kind)} ${r.kind}`,
      gvk: kindGvk,
      parameters: [body(deleteOptions), ...DELETE_PARAMS],
      responses: ok(kindDef, '200', '202'),
    }),
    patch: patch(kindGvk, kindDef, `the specified ${r.kind}`),
    parameters: objectParams,
  };
  for (const sub of r.subresources) {
    const path = `${object}/${sub}`;
    if (sub === 'status' || sub === 'approval') {
      // The approval subresource of CertificateSigningRequests takes and answers the kind itself, as status does.
      const what = sub === 'status' ? 'Status' : 'Approval';
      paths[path] = {
        get: read(kindGvk, kindDef, `${sub} of the specified ${r.kind}`, what),
        put: replace(kindGvk, kindDef, `${sub} of the specified ${r.kind}`, what),
        patch: patch(kindGvk, kindDef, `${sub} of the specified ${r.kind}`, what),
        parameters: objectParams,
      };
    } else if (sub === 'finalize') {
      paths[path] = {
        put: replace(kindGvk, kindDef, `finalize of the specified ${r.kind}`, 'Finalize'),
        parameters: objectParams,
      };
    } else if (sub === 'scale') {
      const scaleDef = definitionOfKind(SCALE_GVK);
      paths[path] = {
        get: read(SCALE_GVK, scaleDef, `scale of the specified ${r.kind}`, 'Scale'),
        put: replace(SCALE_GVK, scaleDef, `scale of the specified ${r.kind}`, 'Scale'),
        patch: patch(SCALE_GVK, scaleDef, `scale of the specified ${r.kind}`, 'Scale'),
        parameters: [pathParam('name', 'Scale'), ...namespaceParam, param.pretty],
      };
    } else {
      const [gvk, what] = sub === 'eviction' ? [EVICTION_GVK, 'eviction'] : [BINDING_GVK, 'binding'];
      const def = definitionOfKind(gvk);
      paths[path] = {
        post: operation({
          action: 'post',
          verb: 'create',
          description: `create ${what} of ${article(r.kind)} ${r.kind}`,
          gvk,
          parameters: [body(def), ...WRITE_PARAMS],
          responses: ok(def, '200', '201', '202'),
          idSuffix: gvk.kind,
        }),
        parameters: [pathParam('name', gvk.kind), ...namespaceParam, param.pretty],
      };
    }
  }
  if (r.namespaced) {
    paths[`${prefix}/${r.resource}`] = {
      get: operation({
        action: 'list',
        verb: 'list',
        description: `list or watch objects of kind ${r.kind}`,
        gvk: kindGvk,
        parameters: LIST_PARAMS,
        responses: ok(listDef, '200'),
        produces: WATCHABLE,
        idSuffix: 'ForAllNamespaces',
        allNamespaces: true,
      }),
      parameters: [param.pretty],
    };
  }
  const watchOp = (action: 'watch' | 'watchlist', idSuffix: string, description: string, allNamespaces = false): Operation =>
    operation({
      action,
      verb: 'watch',
      description,
      gvk: kindGvk,
      parameters: LIST_PARAMS,
      responses: ok(watchEvent, '200'),
      produces: WATCHABLE,
      idSuffix,
      allNamespaces,
    });
  const deprecated = "deprecated: use the 'watch' parameter with a list operation instead";
  paths[watchCollection] = {
    get: watchOp('watchlist', 'List', `watch individual changes to a list of ${r.kind}. ${deprecated}.`),
    parameters: collectionParams,
  };
  paths[`${watchCollection}/{name}`] = {
    get: watchOp('watch', '', `watch changes to an object of kind ${r.kind}. ${deprecated}, filtered to a single item with the 'fieldSelector' parameter.`),
    parameters: objectParams,
  };
  if (r.namespaced) {
    paths[`${prefix}/watch/${r.resource}`] = {
      get: watchOp('watchlist', 'ListForAllNamespaces', `watch individual changes to a list of ${r.kind}. ${deprecated}.`, true),
      parameters: [param.pretty],
    };
  }
  return paths;
}

function article(kind: string): string {
  return /^[AEIOU]/.test(kind) ? 'an' : 'a';
}

/** Discovery documents: /api/, /api/v1/, /apis/, /apis/<group>/, /apis/<group>/<version>/, /version/. */
function discoveryPaths(): Paths {
  const get = (operationId: string, description: string, tag: string, definition: string): PathItem => ({
    get: {
      description,
      consumes: JSON_YAML,
      produces: JSON_YAML,
      schemes: ['https'],
      tags: [tag],
      operationId,
      parameters: [],
      responses: ok(definition, '200'),
    },
  });
  const paths: Paths = {
    '/api/': get('getCoreAPIVersions', 'get available API versions', 'core', metaDefinitionName('APIVersions')),
    '/apis/': get('getAPIVersions', 'get available API versions', 'apis', metaDefinitionName('APIGroupList')),
    '/version/': get('getCodeVersion', 'get the version information for this server', 'version', VERSION_INFO),
  };
  const groups = new Set<string>();
  for (const { group, version } of groupVersions()) {
    const id = groupIdentifier(group);
    const tag = tagOf(group, version);
    paths[`${groupVersionPrefix(group, version)}/`] = get(`get${id}${capitalize(version)}APIResources`, 'get available resources', tag, metaDefinitionName('APIResourceList'));
    if (group !== '' && !groups.has(group)) {
      groups.add(group);
      const groupTag = `${id.charAt(0).toLowerCase()}${id.slice(1)}`;
      paths[`/apis/${group}/`] = get(`get${id}APIGroup`, 'get information of a group', groupTag, metaDefinitionName('APIGroup'));
    }
  }
  return paths;
}

/** Every path Rudder documents, in path order. */
export function allPaths(): Paths {
  const paths: Paths = discoveryPaths();
  for (const r of RESOURCES) Object.assign(paths, resourcePaths(r));
  const sorted: Paths = {};
  for (const key of Object.keys(paths).sort()) sorted[key] = paths[key]!;
  return sorted;
}

/** The group version a path belongs to, as the v3 index names it ("api/v1", "apis/apps/v1"), or undefined for root paths. */
export function groupVersionOfPath(path: string): string | undefined {
  for (const { group, version } of groupVersions()) {
    const prefix = groupVersionPrefix(group, version);
    if (path === `${prefix}/` || path.startsWith(`${prefix}/`)) return prefix.slice(1);
  }
  return undefined;
}
