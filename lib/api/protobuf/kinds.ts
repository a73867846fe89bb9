// Which proto message carries an object of a given apiVersion and kind. The decoder accepts the
// kinds the apiserver serves plus the few request-only kinds clients send alongside them.
import { RESOURCES, apiVersionOf } from '../resources.js';

const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';

/** k8s.io/api names a group's package after the group's first DNS label, with one exception. */
const PACKAGE_EXCEPTIONS: Record<string, string> = { 'internal.apiserver.k8s.io': 'apiserverinternal' };

/** The proto package of a group version: "" v1 → k8s.io.api.core.v1, apps v1 → k8s.io.api.apps.v1. */
export function protoPackage(group: string, version: string): string {
  const name = group === '' ? 'core' : (PACKAGE_EXCEPTIONS[group] ?? group.split('.')[0]!);
  return `k8s.io.api.${name}.${version}`;
}

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** Kinds a client sends in request bodies without the server serving them as resources. */
const REQUEST_KINDS: readonly { apiVersion: string; kind: string }[] = [
  { apiVersion: 'autoscaling/v1', kind: 'Scale' },
  { apiVersion: 'v1', kind: 'Binding' },
];

/** Kinds of meta.k8s.io that clients tag with whichever group version they are talking to. */
const META_KINDS = new Set(['DeleteOptions']);

/** The full proto message name for an object, or undefined when Rudder does not take that kind. */
export function protoMessageFor(apiVersion: string, kind: string): string | undefined {
  const served = RESOURCES.some((r) => apiVersionOf(r) === apiVersion && r.kind === kind);
  const requestOnly = REQUEST_KINDS.some((k) => k.apiVersion === apiVersion && k.kind === kind);
  if (served || requestOnly) {
    const { group, version } = splitApiVersion(apiVersion);
    return `${protoPackage(group, version)}.${kind}`;
  }
  if (META_KINDS.has(kind)) {
    const knownGroupVersion = apiVersion === 'meta.k8s.io/v1' || RESOURCES.some((r) => apiVersionOf(r) === apiVersion) || REQUEST_KINDS.some((k) => k.apiVersion === apiVersion);
    if (knownGroupVersion) return `${META}.${kind}`;
  }
  return undefined;
}

/** Every message the decoder may be asked for: the roots the schema must cover. */
export function decodableMessages(): string[] {
  const roots = new Set<string>();
  for (const r of RESOURCES) roots.add(`${protoPackage(r.group, r.version)}.${r.kind}`);
  for (const k of REQUEST_KINDS) roots.add(protoMessageFor(k.apiVersion, k.kind)!);
  for (const kind of META_KINDS) roots.add(`${META}.${kind}`);
  return [...roots];
}
