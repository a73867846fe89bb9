// Which proto message carries an object of a given apiVersion and kind. Request bodies may hold
// the kinds the apiserver serves plus the few request-only kinds clients send alongside them;
// responses add what the server itself answers with: lists, Status, metadata-only objects, watch
// events and discovery documents.
import { goPackageOf, META_V1_PACKAGE, protoPackageOf } from '../go-packages.js';
import { RESOURCES as ALL_RESOURCES, apiVersionOf } from '../resources.js';

/** The kinds with a protobuf form (CustomResourceDefinitions are JSON only here). */
const RESOURCES = ALL_RESOURCES.filter((r) => r.protobuf !== false);

const META = protoPackageOf(META_V1_PACKAGE);
const META_V1BETA1 = 'k8s.io.apimachinery.pkg.apis.meta.v1beta1';

/** The proto package of a group version: "" v1 → k8s.io.api.core.v1, apps v1 → k8s.io.api.apps.v1. */
function protoPackage(group: string, version: string): string {
  return protoPackageOf(goPackageOf(group, version));
}

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** Kinds a client sends in request bodies without the server serving them as resources. */
const REQUEST_KINDS: readonly { apiVersion: string; kind: string }[] = [
  { apiVersion: 'autoscaling/v1', kind: 'Scale' },
  { apiVersion: 'v1', kind: 'Binding' },
  { apiVersion: 'policy/v1', kind: 'Eviction' },
  // the review resources (never stored) and the TokenRequest of serviceaccounts/<name>/token
  { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest' },
  { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview' },
  { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
  { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview' },
  { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview' },
  { apiVersion: 'authorization.k8s.io/v1', kind: 'LocalSubjectAccessReview' },
  { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview' },
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
  if (META_KINDS.has(kind) && knownGroupVersion(apiVersion)) return `${META}.${kind}`;
  return undefined;
}

function knownGroupVersion(apiVersion: string): boolean {
  return apiVersion === 'meta.k8s.io/v1' || RESOURCES.some((r) => apiVersionOf(r) === apiVersion) || REQUEST_KINDS.some((k) => k.apiVersion === apiVersion);
}

/**
 * Go registers these as unversioned: kube-apiserver writes them as "v1" whichever group answers.
 * APIVersions may also come without one: the JSON answer at /api has none.
 */
const UNVERSIONED_KINDS = new Set(['Status', 'APIVersions', 'APIGroupList', 'APIGroup', 'APIResourceList']);

/** Kinds of meta.k8s.io the server writes, by apiVersion; v1beta1's list numbers its fields differently. */
const METADATA_KINDS: Record<string, string> = {
  'meta.k8s.io/v1 PartialObjectMetadata': `${META}.PartialObjectMetadata`,
  'meta.k8s.io/v1 PartialObjectMetadataList': `${META}.PartialObjectMetadataList`,
  'meta.k8s.io/v1beta1 PartialObjectMetadata': `${META}.PartialObjectMetadata`,
  'meta.k8s.io/v1beta1 PartialObjectMetadataList': `${META_V1BETA1}.PartialObjectMetadataList`,
};

/**
 * The full proto message name for an object the server writes, or undefined when Kubernetes has
 * no protobuf form for it (a Table, for one, is JSON or YAML only).
 */
export function responseMessageFor(apiVersion: string, kind: string): string | undefined {
  const body = protoMessageFor(apiVersion, kind);
  if (body !== undefined) return body;
  const listed = RESOURCES.find((r) => r.listKind === kind && apiVersionOf(r) === apiVersion);
  if (listed) return `${protoPackage(listed.group, listed.version)}.${kind}`;
  if (UNVERSIONED_KINDS.has(kind) && (apiVersion === 'v1' || apiVersion === '' || apiVersion === 'meta.k8s.io/v1')) return `${META}.${kind}`;
  // Go registers WatchEvent in every group version it serves.
  if (kind === 'WatchEvent' && knownGroupVersion(apiVersion)) return `${META}.WatchEvent`;
  return METADATA_KINDS[`${apiVersion} ${kind}`];
}

/** The message of a watch event, on the wire without an envelope. */
export const WATCH_EVENT_MESSAGE = `${META}.WatchEvent`;

/** Every message the decoder may be asked for: the roots the schema must cover. */
export function decodableMessages(): string[] {
  const roots = new Set<string>();
  for (const r of RESOURCES) roots.add(`${protoPackage(r.group, r.version)}.${r.kind}`);
  for (const k of REQUEST_KINDS) roots.add(protoMessageFor(k.apiVersion, k.kind)!);
  for (const kind of META_KINDS) roots.add(`${META}.${kind}`);
  return [...roots];
}

/** Every message the encoder may be asked for, beyond the decodable ones. */
export function responseMessages(): string[] {
  const roots = new Set<string>();
  for (const r of RESOURCES) roots.add(`${protoPackage(r.group, r.version)}.${r.listKind}`);
  for (const kind of UNVERSIONED_KINDS) roots.add(`${META}.${kind}`);
  roots.add(WATCH_EVENT_MESSAGE);
  for (const message of Object.values(METADATA_KINDS)) roots.add(message);
  return [...roots];
}
