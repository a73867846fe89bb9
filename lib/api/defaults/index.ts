// Defaulting as the Kubernetes apiserver applies it before validation, so that objects read back
// look as `kubectl get -o yaml` shows them on a real cluster. The function mutates the object it
// is given: the apiserver passes its own copy.
import type { KubeObject } from '../object.js';
import type { ResourceInfo } from '../resources.js';
import { defaultPod, defaultPodTemplate } from './pod.js';
import { defaultService } from './service.js';
import {
  defaultCSIDriver,
  defaultCSIStorageCapacity,
  defaultIngressClass,
  defaultLimitRange,
  defaultNetworkPolicy,
  defaultPersistentVolume,
  defaultPersistentVolumeClaim,
  defaultResourceQuota,
  defaultStorageClass,
  defaultVolumeAttachment,
} from './storage-networking.js';
import {
  defaultCronJob,
  defaultHorizontalPodAutoscalerV1,
  defaultHorizontalPodAutoscalerV2,
  defaultJob,
  defaultPodTemplateObject,
  defaultPriorityClass,
  defaultReplicationController,
  defaultStatefulSet,
} from './workloads.js';
import {
  defaultResourceClaimSpec,
  defaultRoleBinding,
  defaultValidatingAdmissionPolicy,
  defaultValidatingAdmissionPolicyBinding,
  defaultWebhookConfiguration,
} from './access.js';
import { type Rec, asRec, canonicalizeResourceList, ensureRec, recs, setDefault } from './util.js';

export interface DefaultingOptions {
  /**
   * 'create' (the default) also applies what the apiserver adds to new objects only: a Pod's
   * service account and initial status; a Namespace's
   * "kubernetes" finalizer.
   */
  operation?: 'create' | 'update';
  /**
   * The stored object, on update. Services keep the cluster IPs, IP families and node ports
   * the apiserver allocated when the client leaves them out, and drop the ones a new type has
   * no use for.
   */
  old?: KubeObject;
}

function defaultDeployment(obj: Rec): void {
  const spec = asRec(obj.spec);
  if (!spec) return;
  setDefault(spec, 'replicas', 1);
  const strategy = ensureRec(spec, 'strategy');
  if (strategy) {
    setDefault(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') {
      const rollingUpdate = ensureRec(strategy, 'rollingUpdate');
      if (rollingUpdate) {
        setDefault(rollingUpdate, 'maxUnavailable', '25%');
        setDefault(rollingUpdate, 'maxSurge', '25%');
      }
    }
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  setDefault(spec, 'progressDeadlineSeconds', 600);
  defaultPodTemplate(spec.template);
}

function defaultReplicaSet(obj: Rec): void {
  const spec = asRec(obj.spec);
  if (!spec) return;
  setDefault(spec, 'replicas', 1);
  defaultPodTemplate(spec.template);
}

function defaultDaemonSet(obj: Rec): void {
  const spec = asRec(obj.spec);
  if (!spec) return;
  const strategy = ensureRec(spec, 'updateStrategy');
  if (strategy) {
    setDefault(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') {
      const rollingUpdate = ensureRec(strategy, 'rollingUpdate');
      if (rollingUpdate) {
        setDefault(rollingUpdate, 'maxUnavailable', 1);
        setDefault(rollingUpdate, 'maxSurge', 0);
      }
    }
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplate(spec.template);
}

function defaultNamespace(obj: Rec, creating: boolean): void {
  const meta = asRec(obj.metadata);
  if (meta && typeof meta.name === 'string' && meta.name !== '') {
    const labels = ensureRec(meta, 'labels');
    if (labels) labels['kubernetes.io/metadata.name'] = meta.name;
  }
  if (creating) {
    const spec = ensureRec(obj, 'spec');
    if (spec && (spec.finalizers === undefined || spec.finalizers === null)) spec.finalizers = [];
    if (spec && Array.isArray(spec.finalizers) && !spec.finalizers.includes('kubernetes')) spec.finalizers.push('kubernetes');
  }
  const status = ensureRec(obj, 'status');
  if (status) setDefault(status, 'phase', 'Active');
}

function defaultNode(obj: Rec): void {
  const spec = asRec(obj.spec);
  if (spec) {
    // podCIDR is the first entry of podCIDRs; v1 carries both.
    if (Array.isArray(spec.podCIDRs) && typeof spec.podCIDRs[0] === 'string') spec.podCIDR = spec.podCIDRs[0];
    else if (typeof spec.podCIDR === 'string' && spec.podCIDR !== '' && (spec.podCIDRs === undefined || spec.podCIDRs === null)) spec.podCIDRs = [spec.podCIDR];
  }
  const status = asRec(obj.status);
  if (!status) return;
  canonicalizeResourceList(status, 'capacity');
  canonicalizeResourceList(status, 'allocatable');
  if ((status.allocatable === undefined || status.allocatable === null) && asRec(status.capacity)) status.allocatable = { ...asRec(status.capacity) };
}

/** Secrets: type Opaque, and stringData merged into data (base64) the way the API converts it. */
function defaultSecret(obj: Rec): void {
  setDefault(obj, 'type', 'Opaque');
  const stringData = asRec(obj.stringData);
  if (!stringData) return;
  if (obj.data !== undefined && obj.data !== null && !asRec(obj.data)) return;
  const data: Rec = { ...(asRec(obj.data) ?? {}) };
  for (const [key, value] of Object.entries(stringData)) {
    if (typeof value === 'string') data[key] = Buffer.from(value, 'utf8').toString('base64');
  }
  obj.data = data;
  delete obj.stringData;
}

function defaultEndpoints(obj: Rec): void {
  for (const subset of recs(obj, 'subsets')) for (const port of recs(subset, 'ports')) setDefault(port, 'protocol', 'TCP');
}

function defaultEndpointSlice(obj: Rec): void {
  for (const port of recs(obj, 'ports')) {
    if (port.name === undefined || port.name === null) port.name = '';
    setDefault(port, 'protocol', 'TCP');
  }
}

/** core/v1 Events always print these fields, empty or not. */
function defaultEvent(obj: Rec): void {
  if (obj.eventTime === undefined) obj.eventTime = null;
  if (obj.reportingComponent === undefined || obj.reportingComponent === null) obj.reportingComponent = '';
  if (obj.reportingInstance === undefined || obj.reportingInstance === null) obj.reportingInstance = '';
}

export function applyDefaults(info: ResourceInfo, obj: KubeObject, options: DefaultingOptions = {}): void {
  const o = asRec(obj);
  if (!o) return;
  const creating = (options.operation ?? 'create') === 'create';
  switch (`${info.group}/${info.kind}`) {
    case '/Pod':
      defaultPod(o, creating);
      break;
    case '/Service':
      defaultService(o, creating ? undefined : asRec(options.old));
      break;
    case '/Namespace':
      defaultNamespace(o, creating);
      break;
    case '/Node':
      defaultNode(o);
      break;
    case '/Secret':
      defaultSecret(o);
      break;
    case '/Endpoints':
      defaultEndpoints(o);
      break;
    case '/Event':
      defaultEvent(o);
      break;
    case 'apps/Deployment':
      defaultDeployment(o);
      break;
    case 'apps/ReplicaSet':
      defaultReplicaSet(o);
      break;
    case 'apps/DaemonSet':
      defaultDaemonSet(o);
      break;
    case 'discovery.k8s.io/EndpointSlice':
      defaultEndpointSlice(o);
      break;
    case '/ResourceQuota':
      defaultResourceQuota(o);
      break;
    case '/LimitRange':
      defaultLimitRange(o);
      break;
    case '/PersistentVolume':
      defaultPersistentVolume(o);
      break;
    case '/PersistentVolumeClaim':
      defaultPersistentVolumeClaim(o);
      break;
    case 'storage.k8s.io/StorageClass':
      defaultStorageClass(o);
      break;
    case 'storage.k8s.io/CSIDriver':
      defaultCSIDriver(o);
      break;
    case 'storage.k8s.io/CSIStorageCapacity':
      defaultCSIStorageCapacity(o);
      break;
    case 'storage.k8s.io/VolumeAttachment':
      defaultVolumeAttachment(o);
      break;
    case 'networking.k8s.io/NetworkPolicy':
      defaultNetworkPolicy(o);
      break;
    case 'networking.k8s.io/IngressClass':
      defaultIngressClass(o);
      break;
    case '/ReplicationController':
      defaultReplicationController(o);
      break;
    case '/PodTemplate':
      defaultPodTemplateObject(o);
      break;
    case 'apps/StatefulSet':
      defaultStatefulSet(o);
      break;
    case 'batch/Job':
      defaultJob(o);
      break;
    case 'batch/CronJob':
      defaultCronJob(o);
      break;
    case 'scheduling.k8s.io/PriorityClass':
      defaultPriorityClass(o);
      break;
    case 'autoscaling/HorizontalPodAutoscaler':
      if (info.version === 'v1') defaultHorizontalPodAutoscalerV1(o);
      else defaultHorizontalPodAutoscalerV2(o);
      break;
    case 'rbac.authorization.k8s.io/RoleBinding':
    case 'rbac.authorization.k8s.io/ClusterRoleBinding':
      defaultRoleBinding(o);
      break;
    case 'admissionregistration.k8s.io/ValidatingWebhookConfiguration':
      defaultWebhookConfiguration(o, false);
      break;
    case 'admissionregistration.k8s.io/MutatingWebhookConfiguration':
      defaultWebhookConfiguration(o, true);
      break;
    case 'admissionregistration.k8s.io/ValidatingAdmissionPolicy':
      defaultValidatingAdmissionPolicy(o);
      break;
    case 'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding':
      defaultValidatingAdmissionPolicyBinding(o);
      break;
    case 'resource.k8s.io/ResourceClaim':
      defaultResourceClaimSpec(asRec(o.spec));
      break;
    case 'resource.k8s.io/ResourceClaimTemplate':
      defaultResourceClaimSpec(asRec(asRec(o.spec)?.spec));
      break;
    default:
  }
}
