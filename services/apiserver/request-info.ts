// Turns a request path into what it addresses, as Kubernetes' RequestInfoFactory does:
// /api/v1/namespaces/default/pods/web/status → group "", version v1, namespace default,
// resource pods, name web, subresource status; and the verb from the method and query.
import { findResource, type ResourceInfo, type Subresource } from '../../lib/api/resources.js';
import { errors } from '../../lib/api/status.js';
import { decodeSegment, splitApiPath } from './api-path.js';

export type RequestVerb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface RequestInfo {
  info: ResourceInfo;
  namespace?: string;
  name?: string;
  subresource?: string;
  verb: RequestVerb;
}

function verbFor(method: string, hasName: boolean, watch: boolean): RequestVerb {
  switch (method) {
    case 'GET':
    case 'HEAD':
      return watch ? 'watch' : hasName ? 'get' : 'list';
    case 'POST':
      if (hasName) throw errors.methodNotAllowed();
      return 'create';
    case 'PUT':
      if (!hasName) throw errors.methodNotAllowed();
      return 'update';
    case 'PATCH':
      if (!hasName) throw errors.methodNotAllowed();
      return 'patch';
    case 'DELETE':
      return hasName ? 'delete' : 'deletecollection';
    default:
      throw errors.methodNotAllowed();
  }
}

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

/** The verbs each subresource takes; pods/binding and pods/eviction are POSTed to the pod's name. */
function subresourceVerb(method: string, subresource: Subresource): RequestVerb {
  if (subresource === 'binding' || subresource === 'eviction') {
    if (method === 'POST') return 'create';
    throw errors.methodNotAllowed();
  }
  if (subresource === 'finalize') {
    if (method === 'PUT') return 'update';
    throw errors.methodNotAllowed();
  }
  if (method === 'GET' || method === 'HEAD') return 'get';
  if (method === 'PUT') return 'update';
  if (method === 'PATCH') return 'patch';
  throw errors.methodNotAllowed();
}

function isWatchParam(value: unknown): boolean {
  const text = Array.isArray(value) ? value[value.length - 1] : value;
  if (text === undefined || text === '' || text === 'false' || text === '0') return false;
  if (text === 'true' || text === '1') return true;
  throw errors.badRequest(`watch: Invalid value: ${JSON.stringify(String(text))}: must be a boolean`);
}

/**
 * Parses /api/v1/... and /apis/<group>/<version>/... resource paths. Throws a 404 Status for paths
 * that name no served resource and 405 for methods a path does not take.
 */
export function parseRequestInfo(
  method: string,
  path: string,
  query: Record<string, unknown>,
  find: (group: string, version: string, resource: string) => ResourceInfo | undefined = findResource,
): RequestInfo {
  const parts = path.split('?')[0]!.split('/').filter((p) => p !== '').map(decodeSegment);
  const apiPath = splitApiPath(parts);
  if (!apiPath) throw errors.noSuchResource();
  const { group, version } = apiPath;
  let segments = apiPath.segments;
  let watch = isWatchParam(query.watch);
  // Deprecated /watch/ prefix form: /api/v1/watch/namespaces/default/pods
  if (segments[0] === 'watch') {
    watch = true;
    segments = segments.slice(1);
  }
  let namespace: string | undefined;
  if (segments[0] === 'namespaces' && segments.length > 2 && !NAMESPACE_SUBRESOURCES.has(segments[2]!)) {
    namespace = segments[1];
    segments = segments.slice(2);
  }
  const [resource, name, subresource, ...extra] = segments;
  if (!resource || extra.length > 0 || name === '') throw errors.noSuchResource();
  const info = find(group, version, resource);
  if (!info) throw errors.noSuchResource();
  if (!info.namespaced && namespace !== undefined) throw errors.noSuchResource();
  if (info.namespaced && namespace === undefined) {
    // Across all namespaces a namespaced resource can only be listed or watched.
    if (name !== undefined) throw errors.noSuchResource();
    if (method !== 'GET' && method !== 'HEAD') throw errors.methodNotAllowed();
  }
  if (subresource !== undefined) {
    if (!info.subresources.includes(subresource as Subresource) || watch) throw errors.noSuchResource();
    return { info, namespace, name, subresource, verb: subresourceVerb(method, subresource as Subresource) };
  }
  const verb = verbFor(method, name !== undefined, watch);
  return { info, namespace, name, verb };
}
