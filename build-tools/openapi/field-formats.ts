// Formats the TypeScript declarations cannot tell apart. kubernetes-types types every integer
// as `number` and every []byte as `string`; Kubernetes' schemas say int32/int64 and byte.
// Integers not listed here are int32, the Kubernetes default for counts, ports and sizes.

/** Fields (or, for arrays and maps, their elements) that are int64 in the Go types. */
const INT64_FIELDS: Record<string, readonly string[]> = {
  'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': ['generation', 'deletionGracePeriodSeconds'],
  'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta': ['remainingItemCount'],
  'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions': ['gracePeriodSeconds'],
  'io.k8s.apimachinery.pkg.apis.meta.v1.Condition': ['observedGeneration'],
  'io.k8s.api.core.v1.PodSpec': ['activeDeadlineSeconds', 'terminationGracePeriodSeconds'],
  'io.k8s.api.core.v1.Probe': ['terminationGracePeriodSeconds'],
  'io.k8s.api.core.v1.SleepAction': ['seconds'],
  'io.k8s.api.core.v1.PodSecurityContext': ['fsGroup', 'runAsGroup', 'runAsUser', 'supplementalGroups'],
  'io.k8s.api.core.v1.SecurityContext': ['runAsGroup', 'runAsUser'],
  'io.k8s.api.core.v1.Toleration': ['tolerationSeconds'],
  'io.k8s.api.core.v1.ServiceAccountTokenProjection': ['expirationSeconds'],
  'io.k8s.api.core.v1.ContainerImage': ['sizeBytes'],
  'io.k8s.api.apps.v1.DeploymentStatus': ['observedGeneration'],
  'io.k8s.api.apps.v1.ReplicaSetStatus': ['observedGeneration'],
  'io.k8s.api.apps.v1.DaemonSetStatus': ['observedGeneration'],
  'io.k8s.api.apps.v1.StatefulSetStatus': ['observedGeneration'],
};

/** Fields holding base64 text that Go decodes into []byte (or maps of it). */
const BYTE_FIELDS: Record<string, readonly string[]> = {
  'io.k8s.api.core.v1.Secret': ['data'],
  'io.k8s.api.core.v1.ConfigMap': ['binaryData'],
};

export function isInt64Field(definition: string, field: string): boolean {
  return INT64_FIELDS[definition]?.includes(field) ?? false;
}

export function isByteField(definition: string, field: string): boolean {
  return BYTE_FIELDS[definition]?.includes(field) ?? false;
}
