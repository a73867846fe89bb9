// The hook through which strategic-merge-patch metadata reaches the published schemas.
// kubectl's client-side apply (and `kubectl patch` with a strategic merge patch) reads
// x-kubernetes-patch-strategy / x-kubernetes-patch-merge-key from /openapi/v2 and /openapi/v3
// to merge lists such as spec.containers by name instead of replacing them whole.
// The table itself belongs to the strategic-merge-patch code; the generator only asks it.

export interface PatchMetadata {
  /** "merge", "retainKeys", "merge,retainKeys" or "replace". */
  strategy?: string;
  /** The field that identifies list items when the strategy is "merge": "name", "containerPort". */
  mergeKey?: string;
}

/**
 * Answers for one field of one type. `typeName` is the full definition name
 * (io.k8s.api.core.v1.PodSpec); `field` is the JSON field name (containers).
 */
export type PatchMetadataLookup = (typeName: string, field: string) => PatchMetadata | undefined;

/** For documents without patch metadata (tests that look at the schema alone). */
export const noPatchMetadata: PatchMetadataLookup = () => undefined;
