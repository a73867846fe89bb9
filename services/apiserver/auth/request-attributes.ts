// What a request asks, for authorization, as Kubernetes' RequestInfoFactory reads it from the path
// alone (before the route knows whether the resource exists): /api/v1/namespaces/ns/pods/web/log is
// verb get on resource pods, subresource log, namespace ns, name web; /apis/<group>/<version>/...
// likewise; anything else (/version, /openapi/v2, /metrics) is a non-resource request whose verb
// is the method in lower case.
import { decodeSegment, splitApiPath } from '../api-path.js';
import type { NonResourceAttributes, ResourceAttributes } from '../rbac/attributes.js';

const STREAMING_SUBRESOURCES = new Set(['exec', 'attach', 'portforward']);

function single(value: unknown): string {
  const last = Array.isArray(value) ? value[value.length - 1] : value;
  return last === undefined ? '' : String(last);
}

function isTrue(value: unknown): boolean {
  const text = single(value);
  return text === 'true' || text === '1';
}

function safeDecode(segment: string): string {
  try {
    return decodeSegment(segment);
  } catch {
    return segment;
  }
}

/** The name a list or watch pins with fieldSelector=metadata.name=web, as Kubernetes honours it. */
function selectedName(query: Record<string, unknown>): string {
  const selector = single(query.fieldSelector);
  for (const term of selector.split(',')) {
    const match = /^metadata\.name==?(.*)$/.exec(term.trim());
    if (match) return match[1]!;
  }
  return '';
}

export function requestAttributes(method: string, url: string, query: Record<string, unknown>): { resource: ResourceAttributes } | { nonResource: NonResourceAttributes } {
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  const parts = path.split('/').filter((p) => p !== '').map(safeDecode);
  const nonResource = { nonResource: { verb: method.toLowerCase() === 'head' ? 'get' : method.toLowerCase(), path } };
  const apiPath = splitApiPath(parts);
  if (!apiPath) return nonResource;
  const { group, version } = apiPath;
  let segments = apiPath.segments;
  let watch = false;
  if (segments[0] === 'watch') {
    watch = true;
    segments = segments.slice(1);
  }
  let namespace = '';
  if (segments[0] === 'namespaces') {
    if (segments.length > 1) namespace = segments[1]!;
    // /namespaces/ns/<resource>...: the resource follows; /namespaces/ns[/status] is the namespace itself.
    if (segments.length > 2 && segments[2] !== 'status' && segments[2] !== 'finalize') segments = segments.slice(2);
  }
  const [resource = '', name = '', subresource = ''] = segments;
  let verb: string;
  switch (method) {
    case 'POST':
      verb = 'create';
      break;
    case 'GET':
    case 'HEAD':
      verb = watch || isTrue(query.watch) ? 'watch' : name !== '' ? 'get' : 'list';
      break;
    case 'PUT':
      verb = 'update';
      break;
    case 'PATCH':
      verb = 'patch';
      break;
    case 'DELETE':
      verb = name !== '' ? 'delete' : 'deletecollection';
      break;
    default:
      verb = method.toLowerCase();
  }
  // Streaming into a pod is `create` whichever method carries it (SPDY POSTs, WebSocket GETs).
  if (resource === 'pods' && STREAMING_SUBRESOURCES.has(subresource)) verb = 'create';
  const pinned = (verb === 'list' || verb === 'watch') && name === '' ? selectedName(query) : name;
  return { resource: { verb, group, version, resource, subresource, namespace, name: pinned } };
}
