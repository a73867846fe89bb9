// What the serving limits need to know about a request before it is handled, from its method,
// path and query alone: whether it is long-running (kube-apiserver's LongRunningRequestCheck:
// the watch and proxy verbs, and the attach, exec, log, portforward and proxy subresources),
// and whether it mutates.

const LONG_RUNNING_SUBRESOURCES = new Set(['attach', 'exec', 'log', 'portforward', 'proxy']);

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

function truthy(value: unknown): boolean {
  const text = Array.isArray(value) ? value[value.length - 1] : value;
  return text === 'true' || text === '1';
}

/** The segments after the group version: [namespaces, ns,] resource [, name [, subresource]]. */
function resourceSegments(path: string): string[] | undefined {
  const parts = path.split('/').filter((p) => p !== '');
  if (parts[0] === 'api' && parts.length >= 2) return parts.slice(2);
  if (parts[0] === 'apis' && parts.length >= 3) return parts.slice(3);
  return undefined;
}

const longRunningRequests = new WeakMap<object, boolean>();

/** isLongRunning of a request, worked out once for the several filters that ask. */
export function isLongRunningRequest(request: { method: string; url: string; query: unknown }): boolean {
  let answer = longRunningRequests.get(request);
  if (answer === undefined) {
    answer = isLongRunning(request.method, request.url, request.query as Record<string, unknown> | undefined);
    longRunningRequests.set(request, answer);
  }
  return answer;
}

export function isLongRunning(method: string, url: string, query: Record<string, unknown> | undefined): boolean {
  const segments = resourceSegments(pathOf(url));
  if (segments === undefined) return false;
  // The deprecated /watch/... and /proxy/... path prefixes name the verb.
  if (segments[0] === 'watch' || segments[0] === 'proxy') return true;
  if ((method === 'GET' || method === 'HEAD') && truthy(query?.watch)) return true;
  const named = segments[0] === 'namespaces' && segments.length > 3 ? segments.slice(2) : segments;
  const subresource = named[2];
  return subresource !== undefined && LONG_RUNNING_SUBRESOURCES.has(subresource);
}

/** Reads (get, list, watch) and the other safe methods; everything else counts as mutating. */
export function isMutating(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';
}
