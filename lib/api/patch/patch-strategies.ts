// The strategic-merge-patch metadata of the served kinds: the `patchStrategy` and
// `patchMergeKey` struct tags of k8s.io/api, kept as data and keyed by OpenAPI definition name.
// The strategic merge patch reads it to merge lists; the OpenAPI documents read it to emit
// x-kubernetes-patch-strategy and x-kubernetes-patch-merge-key.
//
// The table holds every object-typed field on the way from a kind's root to a list with a
// strategy, and those lists. A field that is not here merges as a map when it holds an object
// and is replaced whole when it holds a list, which is also what Kubernetes does with untagged
// fields.
import type { ResourceInfo } from '../resources.js';

export type PatchStrategy = 'merge' | 'retainKeys' | 'merge,retainKeys' | 'replace';

export interface SchemaField {
  /** Definition name of the value, or of the elements when `list` is set; absent for primitives. */
  readonly type?: string;
  readonly list?: boolean;
  readonly strategy?: PatchStrategy;
  readonly mergeKey?: string;
}

export type SchemaType = Readonly<Record<string, SchemaField>>;

/** Definition name -> fields. */
export type PatchSchema = Readonly<Record<string, SchemaType>>;

const CORE = 'io.k8s.api.core.v1';
const APPS = 'io.k8s.api.apps.v1';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

const OBJECT_META = `${META}.ObjectMeta`;
const LABEL_SELECTOR = `${META}.LabelSelector`;
const POD_TEMPLATE_SPEC = `${CORE}.PodTemplateSpec`;

/** A struct-typed field. */
const object = (type: string): SchemaField => ({ type });
/** A list replaced whole (no patch strategy). */
const atomicList = (type?: string): SchemaField => (type ? { type, list: true } : { list: true });
/** A list of objects merged element by element, matched on `mergeKey`. */
const mergeList = (type: string, mergeKey: string, strategy: PatchStrategy = 'merge'): SchemaField => ({
  type,
  list: true,
  strategy,
  mergeKey,
});
/** A list of primitives merged as a set. */
const setList = (): SchemaField => ({ list: true, strategy: 'merge' });
/** Conditions: merged by type. */
const conditions = (type: string): SchemaField => mergeList(type, 'type');

const CONTAINER_FIELDS: SchemaType = {
  ports: mergeList(`${CORE}.ContainerPort`, 'containerPort'),
  env: mergeList(`${CORE}.EnvVar`, 'name'),
  envFrom: atomicList(`${CORE}.EnvFromSource`),
  volumeMounts: mergeList(`${CORE}.VolumeMount`, 'mountPath'),
  volumeDevices: mergeList(`${CORE}.VolumeDevice`, 'devicePath'),
  resources: object(`${CORE}.ResourceRequirements`),
  resizePolicy: atomicList(`${CORE}.ContainerResizePolicy`),
  command: atomicList(),
  args: atomicList(),
  securityContext: object(`${CORE}.SecurityContext`),
  livenessProbe: object(`${CORE}.Probe`),
  readinessProbe: object(`${CORE}.Probe`),
  startupProbe: object(`${CORE}.Probe`),
  lifecycle: object(`${CORE}.Lifecycle`),
};

export const PATCH_SCHEMA: PatchSchema = {
  // meta/v1
  [OBJECT_META]: {
    finalizers: setList(),
    ownerReferences: mergeList(`${META}.OwnerReference`, 'uid'),
    managedFields: atomicList(`${META}.ManagedFieldsEntry`),
  },
  [LABEL_SELECTOR]: {
    matchExpressions: atomicList(`${META}.LabelSelectorRequirement`),
  },

  // core/v1 Pod
  [`${CORE}.Pod`]: { metadata: object(OBJECT_META), spec: object(`${CORE}.PodSpec`), status: object(`${CORE}.PodStatus`) },
  [POD_TEMPLATE_SPEC]: { metadata: object(OBJECT_META), spec: object(`${CORE}.PodSpec`) },
  [`${CORE}.PodSpec`]: {
    volumes: mergeList(`${CORE}.Volume`, 'name', 'merge,retainKeys'),
    initContainers: mergeList(`${CORE}.Container`, 'name'),
    containers: mergeList(`${CORE}.Container`, 'name'),
    ephemeralContainers: mergeList(`${CORE}.EphemeralContainer`, 'name'),
    imagePullSecrets: mergeList(`${CORE}.LocalObjectReference`, 'name'),
    hostAliases: mergeList(`${CORE}.HostAlias`, 'ip'),
    topologySpreadConstraints: mergeList(`${CORE}.TopologySpreadConstraint`, 'topologyKey'),
    schedulingGates: mergeList(`${CORE}.PodSchedulingGate`, 'name'),
    resourceClaims: mergeList(`${CORE}.PodResourceClaim`, 'name', 'merge,retainKeys'),
    tolerations: atomicList(`${CORE}.Toleration`),
    readinessGates: atomicList(`${CORE}.PodReadinessGate`),
    securityContext: object(`${CORE}.PodSecurityContext`),
    affinity: object(`${CORE}.Affinity`),
    dnsConfig: object(`${CORE}.PodDNSConfig`),
  },
  [`${CORE}.Container`]: CONTAINER_FIELDS,
  [`${CORE}.EphemeralContainer`]: CONTAINER_FIELDS,
  [`${CORE}.PodStatus`]: {
    conditions: conditions(`${CORE}.PodCondition`),
    podIPs: mergeList(`${CORE}.PodIP`, 'ip'),
    hostIPs: mergeList(`${CORE}.HostIP`, 'ip'),
    containerStatuses: atomicList(`${CORE}.ContainerStatus`),
    initContainerStatuses: atomicList(`${CORE}.ContainerStatus`),
    ephemeralContainerStatuses: atomicList(`${CORE}.ContainerStatus`),
    resourceClaimStatuses: mergeList(`${CORE}.PodResourceClaimStatus`, 'name', 'merge,retainKeys'),
  },

  // core/v1 Service, Endpoints
  [`${CORE}.Service`]: { metadata: object(OBJECT_META), spec: object(`${CORE}.ServiceSpec`), status: object(`${CORE}.ServiceStatus`) },
  [`${CORE}.ServiceSpec`]: {
    ports: mergeList(`${CORE}.ServicePort`, 'port'),
    clusterIPs: atomicList(),
    externalIPs: atomicList(),
    ipFamilies: atomicList(),
    loadBalancerSourceRanges: atomicList(),
  },
  [`${CORE}.ServiceStatus`]: { conditions: conditions(`${META}.Condition`), loadBalancer: object(`${CORE}.LoadBalancerStatus`) },
  [`${CORE}.Endpoints`]: { metadata: object(OBJECT_META), subsets: atomicList(`${CORE}.EndpointSubset`) },

  // core/v1 Node, Namespace
  [`${CORE}.Node`]: { metadata: object(OBJECT_META), spec: object(`${CORE}.NodeSpec`), status: object(`${CORE}.NodeStatus`) },
  [`${CORE}.NodeSpec`]: { podCIDRs: setList(), taints: atomicList(`${CORE}.Taint`) },
  [`${CORE}.NodeStatus`]: {
    conditions: conditions(`${CORE}.NodeCondition`),
    addresses: mergeList(`${CORE}.NodeAddress`, 'type'),
    images: atomicList(`${CORE}.ContainerImage`),
    volumesInUse: atomicList(),
    volumesAttached: atomicList(`${CORE}.AttachedVolume`),
  },
  [`${CORE}.Namespace`]: { metadata: object(OBJECT_META), spec: object(`${CORE}.NamespaceSpec`), status: object(`${CORE}.NamespaceStatus`) },
  [`${CORE}.NamespaceSpec`]: { finalizers: atomicList() },
  [`${CORE}.NamespaceStatus`]: { conditions: conditions(`${CORE}.NamespaceCondition`) },

  // core/v1 ConfigMap, Secret, ServiceAccount, Event
  [`${CORE}.ConfigMap`]: { metadata: object(OBJECT_META) },
  [`${CORE}.Secret`]: { metadata: object(OBJECT_META) },
  [`${CORE}.ServiceAccount`]: {
    metadata: object(OBJECT_META),
    secrets: mergeList(`${CORE}.ObjectReference`, 'name'),
    imagePullSecrets: atomicList(`${CORE}.LocalObjectReference`),
  },
  [`${CORE}.Event`]: {
    metadata: object(OBJECT_META),
    involvedObject: object(`${CORE}.ObjectReference`),
    related: object(`${CORE}.ObjectReference`),
    source: object(`${CORE}.EventSource`),
    series: object(`${CORE}.EventSeries`),
  },

  // apps/v1
  [`${APPS}.Deployment`]: { metadata: object(OBJECT_META), spec: object(`${APPS}.DeploymentSpec`), status: object(`${APPS}.DeploymentStatus`) },
  [`${APPS}.DeploymentSpec`]: {
    selector: object(LABEL_SELECTOR),
    template: object(POD_TEMPLATE_SPEC),
    strategy: { type: `${APPS}.DeploymentStrategy`, strategy: 'retainKeys' },
  },
  [`${APPS}.DeploymentStatus`]: { conditions: conditions(`${APPS}.DeploymentCondition`) },
  [`${APPS}.ReplicaSet`]: { metadata: object(OBJECT_META), spec: object(`${APPS}.ReplicaSetSpec`), status: object(`${APPS}.ReplicaSetStatus`) },
  [`${APPS}.ReplicaSetSpec`]: { selector: object(LABEL_SELECTOR), template: object(POD_TEMPLATE_SPEC) },
  [`${APPS}.ReplicaSetStatus`]: { conditions: conditions(`${APPS}.ReplicaSetCondition`) },
  [`${APPS}.DaemonSet`]: { metadata: object(OBJECT_META), spec: object(`${APPS}.DaemonSetSpec`), status: object(`${APPS}.DaemonSetStatus`) },
  [`${APPS}.DaemonSetSpec`]: {
    selector: object(LABEL_SELECTOR),
    template: object(POD_TEMPLATE_SPEC),
    updateStrategy: object(`${APPS}.DaemonSetUpdateStrategy`),
  },
  [`${APPS}.DaemonSetStatus`]: { conditions: conditions(`${APPS}.DaemonSetCondition`) },

  // discovery/v1, coordination/v1
  ['io.k8s.api.discovery.v1.EndpointSlice']: {
    metadata: object(OBJECT_META),
    endpoints: atomicList('io.k8s.api.discovery.v1.Endpoint'),
    ports: atomicList('io.k8s.api.discovery.v1.EndpointPort'),
  },
  ['io.k8s.api.coordination.v1.Lease']: { metadata: object(OBJECT_META), spec: object('io.k8s.api.coordination.v1.LeaseSpec') },

  // events.k8s.io/v1
  ['io.k8s.api.events.v1.Event']: {
    metadata: object(OBJECT_META),
    regarding: object(`${CORE}.ObjectReference`),
    related: object(`${CORE}.ObjectReference`),
    deprecatedSource: object(`${CORE}.EventSource`),
    series: object('io.k8s.api.events.v1.EventSeries'),
  },
};

/** The OpenAPI definition name of a served kind, e.g. io.k8s.api.apps.v1.Deployment. */
export function schemaTypeNameOf(info: Pick<ResourceInfo, 'group' | 'version' | 'kind'>): string {
  const group = info.group === '' ? 'core' : info.group.split('.')[0];
  return `io.k8s.api.${group}.${info.version}.${info.kind}`;
}

/** What the table knows of a field: its value's (or elements') type and its patch metadata. */
export function schemaFieldOf(typeName: string | undefined, field: string, schema: PatchSchema = PATCH_SCHEMA): SchemaField | undefined {
  if (typeName === undefined) return undefined;
  const type = schema[typeName];
  return type && Object.prototype.hasOwnProperty.call(type, field) ? type[field] : undefined;
}

/** The x-kubernetes-patch-strategy / x-kubernetes-patch-merge-key of a field, if it has either. */
export function patchStrategyOf(typeName: string, field: string): { strategy?: PatchStrategy; mergeKey?: string } | undefined {
  const found = schemaFieldOf(typeName, field);
  if (!found || (found.strategy === undefined && found.mergeKey === undefined)) return undefined;
  const result: { strategy?: PatchStrategy; mergeKey?: string } = {};
  if (found.strategy !== undefined) result.strategy = found.strategy;
  if (found.mergeKey !== undefined) result.mergeKey = found.mergeKey;
  return result;
}

/** Every field with patch metadata, for generators that walk the whole table. */
export function* fieldsWithPatchStrategy(): Generator<{ typeName: string; field: string; strategy?: PatchStrategy; mergeKey?: string }> {
  for (const [typeName, fields] of Object.entries(PATCH_SCHEMA)) {
    for (const field of Object.keys(fields)) {
      const meta = patchStrategyOf(typeName, field);
      if (meta) yield { typeName, field, ...meta };
    }
  }
}
