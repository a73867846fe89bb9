// The API prefix of a resource path: /api/<version>/... (the core group) or
// /apis/<group>/<version>/..., and the segments after the version; undefined for any other path.

export interface ApiPath {
  group: string;
  version: string;
  /** What follows the version: [namespaces, ns,] resource[, name[, subresource]]. */
  segments: string[];
}

export function splitApiPath(parts: readonly string[]): ApiPath | undefined {
  if (parts[0] === 'api' && parts.length >= 3) return { group: '', version: parts[1]!, segments: parts.slice(2) };
  if (parts[0] === 'apis' && parts.length >= 4) return { group: parts[1]!, version: parts[2]!, segments: parts.slice(3) };
  return undefined;
}

/** One path segment percent-decoded; a segment without escapes is returned as it is. A malformed escape throws URIError. */
export function decodeSegment(segment: string): string {
  return segment.includes('%') ? decodeURIComponent(segment) : segment;
}
