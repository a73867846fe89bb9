// The table of resources Rudder serves. Discovery, routing, storage keys, OpenAPI and kubectl's
// short names all come from here, so adding a kind starts with one entry.

export type Subresource = 'status' | 'scale' | 'binding' | 'eviction' | 'approval' | 'finalize';

export interface ResourceInfo {
  /** API group; '' for the legacy core group. */
  readonly group: string;
  readonly version: string;
  /** Plural, lower case: the URL segment and the storage key segment. */
  readonly resource: string;
  readonly singular: string;
  readonly kind: string;
  readonly listKind: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  readonly subresources: readonly Subresource[];
  /**
   * Objects of this resource are another version's, converted (events.k8s.io/v1 events are
   * core/v1 events in another shape; autoscaling/v1 HorizontalPodAutoscalers are stored as v2):
   * the resource and version they are stored as. Absent for a resource stored as itself.
   */
  readonly storageVersion?: StorageVersion;
  /** false for a kind Rudder has no protobuf schema for (custom resources, CustomResourceDefinitions): JSON only. */
  readonly protobuf?: false;
  /** Columns of `kubectl get` given as data (a CustomResourceDefinition's additionalPrinterColumns). */
  readonly printerColumns?: readonly PrinterColumn[];
  /** Where the scale subresource reads and writes replicas, for kinds that say so (custom resources). */
  readonly scalePaths?: ScalePaths;
}

/** A column of `kubectl get`, its cell read from the object at a simple JSON path (".spec.replicas"). */
export interface PrinterColumn {
  readonly name: string;
  readonly type: string;
  readonly format?: string;
  readonly description?: string;
  readonly priority?: number;
  readonly jsonPath: string;
}

/** A CustomResourceDefinition's subresources.scale: simple JSON paths into the object. */
export interface ScalePaths {
  readonly specReplicasPath: string;
  readonly statusReplicasPath: string;
  readonly labelSelectorPath?: string;
}

export interface StorageVersion {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
}

export const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;
export type Verb = (typeof VERBS)[number];

function define(
  group: string,
  version: string,
  resource: string,
  kind: string,
  namespaced: boolean,
  extra: { shortNames?: string[]; categories?: string[]; subresources?: Subresource[]; singular?: string; storageVersion?: StorageVersion; protobuf?: false } = {},
): ResourceInfo {
  return {
    ...(extra.storageVersion ? { storageVersion: extra.storageVersion } : {}),
    ...(extra.protobuf === false ? { protobuf: false as const } : {}),
    group,
    version,
    resource,
    singular: extra.singular ?? kind.toLowerCase(),
    kind,
    listKind: `${kind}List`,
    namespaced,
    shortNames: extra.shortNames ?? [],
    categories: extra.categories ?? [],
    subresources: extra.subresources ?? [],
  };
}

export const RESOURCES: readonly ResourceInfo[] = [
  define('', 'v1', 'namespaces', 'Namespace', false, { shortNames: ['ns'], subresources: ['status', 'finalize'] }),
  define('', 'v1', 'nodes', 'Node', false, { shortNames: ['no'], subresources: ['status'] }),
  define('', 'v1', 'pods', 'Pod', true, { shortNames: ['po'], categories: ['all'], subresources: ['status', 'binding', 'eviction'] }),
  define('', 'v1', 'services', 'Service', true, { shortNames: ['svc'], categories: ['all'], subresources: ['status'] }),
  define('', 'v1', 'endpoints', 'Endpoints', true, { shortNames: ['ep'], singular: 'endpoints' }),
  define('', 'v1', 'configmaps', 'ConfigMap', true, { shortNames: ['cm'] }),
  define('', 'v1', 'secrets', 'Secret', true),
  define('', 'v1', 'serviceaccounts', 'ServiceAccount', true, { shortNames: ['sa'] }),
  define('', 'v1', 'events', 'Event', true, { shortNames: ['ev'] }),
  define('apps', 'v1', 'deployments', 'Deployment', true, { shortNames: ['deploy'], categories: ['all'], subresources: ['status', 'scale'] }),
  define('apps', 'v1', 'replicasets', 'ReplicaSet', true, { shortNames: ['rs'], categories: ['all'], subresources: ['status', 'scale'] }),
  define('apps', 'v1', 'daemonsets', 'DaemonSet', true, { shortNames: ['ds'], categories: ['all'], subresources: ['status'] }),
  define('discovery.k8s.io', 'v1', 'endpointslices', 'EndpointSlice', true),
  define('coordination.k8s.io', 'v1', 'leases', 'Lease', true),
  define('events.k8s.io', 'v1', 'events', 'Event', true, { shortNames: ['ev'], storageVersion: { group: '', version: 'v1', resource: 'events' } }),
  // Storage, networking and namespace policy.
  define('', 'v1', 'resourcequotas', 'ResourceQuota', true, { shortNames: ['quota'], subresources: ['status'] }),
  define('', 'v1', 'limitranges', 'LimitRange', true, { shortNames: ['limits'] }),
  define('', 'v1', 'persistentvolumes', 'PersistentVolume', false, { shortNames: ['pv'], subresources: ['status'] }),
  define('', 'v1', 'persistentvolumeclaims', 'PersistentVolumeClaim', true, { shortNames: ['pvc'], subresources: ['status'] }),
  define('storage.k8s.io', 'v1', 'storageclasses', 'StorageClass', false, { shortNames: ['sc'] }),
  define('storage.k8s.io', 'v1', 'csidrivers', 'CSIDriver', false),
  define('storage.k8s.io', 'v1', 'csinodes', 'CSINode', false),
  define('storage.k8s.io', 'v1', 'volumeattachments', 'VolumeAttachment', false, { subresources: ['status'] }),
  define('storage.k8s.io', 'v1', 'csistoragecapacities', 'CSIStorageCapacity', true),
  define('storage.k8s.io', 'v1', 'volumeattributesclasses', 'VolumeAttributesClass', false, { shortNames: ['vac'] }),
  define('networking.k8s.io', 'v1', 'ingresses', 'Ingress', true, { shortNames: ['ing'], subresources: ['status'] }),
  define('networking.k8s.io', 'v1', 'ingressclasses', 'IngressClass', false),
  define('networking.k8s.io', 'v1', 'networkpolicies', 'NetworkPolicy', true, { shortNames: ['netpol'] }),
  define('networking.k8s.io', 'v1', 'servicecidrs', 'ServiceCIDR', false, { subresources: ['status'] }),
  define('networking.k8s.io', 'v1', 'ipaddresses', 'IPAddress', false, { shortNames: ['ip'] }),
  // Workloads, disruption and scheduling.
  define('', 'v1', 'replicationcontrollers', 'ReplicationController', true, { shortNames: ['rc'], categories: ['all'], subresources: ['status', 'scale'] }),
  define('', 'v1', 'podtemplates', 'PodTemplate', true),
  define('apps', 'v1', 'statefulsets', 'StatefulSet', true, { shortNames: ['sts'], categories: ['all'], subresources: ['status', 'scale'] }),
  define('apps', 'v1', 'controllerrevisions', 'ControllerRevision', true),
  // v2 first: discovery prefers the first version of a group.
  define('autoscaling', 'v2', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler', true, { shortNames: ['hpa'], categories: ['all'], subresources: ['status'] }),
  define('autoscaling', 'v1', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler', true, {
    shortNames: ['hpa'],
    categories: ['all'],
    subresources: ['status'],
    storageVersion: { group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers' },
  }),
  define('batch', 'v1', 'jobs', 'Job', true, { categories: ['all'], subresources: ['status'] }),
  define('batch', 'v1', 'cronjobs', 'CronJob', true, { shortNames: ['cj'], categories: ['all'], subresources: ['status'] }),
  define('policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget', true, { shortNames: ['pdb'], subresources: ['status'] }),
  define('scheduling.k8s.io', 'v1', 'priorityclasses', 'PriorityClass', false, { shortNames: ['pc'] }),
  // Access control, certificates, runtime classes, admission configuration and dynamic resource allocation.
  define('rbac.authorization.k8s.io', 'v1', 'roles', 'Role', true),
  define('rbac.authorization.k8s.io', 'v1', 'rolebindings', 'RoleBinding', true),
  define('rbac.authorization.k8s.io', 'v1', 'clusterroles', 'ClusterRole', false),
  define('rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', 'ClusterRoleBinding', false),
  define('certificates.k8s.io', 'v1', 'certificatesigningrequests', 'CertificateSigningRequest', false, { shortNames: ['csr'], subresources: ['approval', 'status'] }),
  define('node.k8s.io', 'v1', 'runtimeclasses', 'RuntimeClass', false),
  define('admissionregistration.k8s.io', 'v1', 'mutatingwebhookconfigurations', 'MutatingWebhookConfiguration', false, { categories: ['api-extensions'] }),
  define('admissionregistration.k8s.io', 'v1', 'validatingwebhookconfigurations', 'ValidatingWebhookConfiguration', false, { categories: ['api-extensions'] }),
  define('admissionregistration.k8s.io', 'v1', 'validatingadmissionpolicies', 'ValidatingAdmissionPolicy', false, { categories: ['api-extensions'], subresources: ['status'] }),
  define('admissionregistration.k8s.io', 'v1', 'validatingadmissionpolicybindings', 'ValidatingAdmissionPolicyBinding', false, { categories: ['api-extensions'] }),
  define('resource.k8s.io', 'v1', 'deviceclasses', 'DeviceClass', false),
  define('resource.k8s.io', 'v1', 'resourceclaims', 'ResourceClaim', true, { subresources: ['status'] }),
  define('resource.k8s.io', 'v1', 'resourceclaimtemplates', 'ResourceClaimTemplate', true),
  define('resource.k8s.io', 'v1', 'resourceslices', 'ResourceSlice', false),
  define('apiextensions.k8s.io', 'v1', 'customresourcedefinitions', 'CustomResourceDefinition', false, {
    shortNames: ['crd', 'crds'],
    categories: ['api-extensions'],
    subresources: ['status'],
    protobuf: false,
  }),
];

/** "v1" for the core group, "apps/v1" otherwise: the apiVersion field of objects. */
export function apiVersionOf(info: Pick<ResourceInfo, 'group' | 'version'>): string {
  return info.group === '' ? info.version : `${info.group}/${info.version}`;
}

/** "pods" or "deployments.apps": how Kubernetes names a resource in messages. */
export function qualifiedResource(info: Pick<ResourceInfo, 'group' | 'resource'>): string {
  return info.group === '' ? info.resource : `${info.resource}.${info.group}`;
}

/** Resources stored as themselves: one per storage key prefix (the others are views of them). */
export const STORED_RESOURCES: readonly ResourceInfo[] = RESOURCES.filter((info) => info.storageVersion === undefined);

/** Every request looks its resource up: by group/version/resource and by apiVersion and kind. */
const byResource = new Map<string, ResourceInfo>();
const byKind = new Map<string, ResourceInfo>();
for (const info of RESOURCES) {
  const resourceKey = `${info.group}/${info.version}/${info.resource}`;
  const kindKey = `${apiVersionOf(info)}/${info.kind}`;
  // The first entry wins, as a search in catalogue order would find it.
  if (!byResource.has(resourceKey)) byResource.set(resourceKey, info);
  if (!byKind.has(kindKey)) byKind.set(kindKey, info);
}

export function findResource(group: string, version: string, resource: string): ResourceInfo | undefined {
  return byResource.get(`${group}/${version}/${resource}`);
}

export function findKind(apiVersion: string, kind: string): ResourceInfo | undefined {
  return byKind.get(`${apiVersion}/${kind}`);
}

/** The group versions served, in discovery order (core first). */
export function groupVersions(): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const r of RESOURCES) seen.set(apiVersionOf(r), { group: r.group, version: r.version });
  return [...seen.values()];
}

/**
 * The storage key of an object: /registry/<group>/<resource>/<namespace>/<name>, with
 * "core" for the legacy group and no namespace segment for cluster-scoped kinds.
 */
export function storageKey(info: ResourceInfo, namespace: string | undefined, name: string): string {
  return `${storagePrefix(info, namespace)}${name}`;
}

/** The key prefix that lists a resource, in one namespace or (namespace undefined) in all. */
export function storagePrefix(info: ResourceInfo, namespace?: string): string {
  const stored = info.storageVersion ?? info;
  const base = `/registry/${stored.group === '' ? 'core' : stored.group}/${stored.resource}/`;
  return info.namespaced && namespace !== undefined ? `${base}${namespace}/` : base;
}
