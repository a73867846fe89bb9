// Validation of API objects as the Kubernetes apiserver performs it, kind by kind. Every
// function returns field errors (never throws) so the apiserver can answer 422 Invalid with
// the messages kubectl users know.
//
// Callers prepare objects the way the apiserver does before validating: the name generated
// from generateName, the namespace taken from the URL, defaults applied, and on update the
// resourceVersion of an unconditional update filled in from the stored object.
import { FieldPath, type FieldError, formatFieldError } from '../field-errors.js';
import type { KubeObject } from '../object.js';
import type { ResourceInfo } from '../resources.js';
import {
  NAMESPACED_SUBDOMAIN_META,
  NAMESPACE_META,
  NODE_META,
  validateConfigMapData,
  validateEndpointsSubsets,
  validateEvent,
  validateImmutableData,
  validateNamespaceSpec,
  validateNamespaceStatus,
  validateNodeSpec,
  validateNodeUpdateRules,
  validateSecretData,
  validateSecretUpdateRules,
} from './core-kinds.js';
import { validateEndpointSlice, validateEndpointSliceUpdateRules } from './endpointslice.js';
import { validateCronJob, validateCronJobUpdate, validateJob, validateJobStatus, validateJobUpdate } from './batch.js';
import { validatePodDisruptionBudget, validatePodDisruptionBudgetStatus } from './disruption.js';
import { validateHorizontalPodAutoscaler, validateHorizontalPodAutoscalerStatus, validateHorizontalPodAutoscalerUpdate } from './hpa.js';
import { validatePriorityClass, validatePriorityClassUpdate } from './priorityclass.js';
import { validatePodTemplateObject, validateReplicationController, validateReplicationControllerSpec, validateReplicationControllerStatus } from './replicationcontroller.js';
import {
  validateControllerRevision,
  validateControllerRevisionUpdate,
  validateStatefulSet,
  validateStatefulSetStatus,
  validateStatefulSetUpdate,
} from './statefulset.js';
import { hpaV1ToV2 } from '../conversion/hpa.js';
import {
  validateMutatingWebhookConfiguration,
  validateValidatingAdmissionPolicy,
  validateValidatingAdmissionPolicyBinding,
  validateValidatingWebhookConfiguration,
} from './admissionregistration.js';
import {
  validateCertificateSigningRequest,
  validateCertificateSigningRequestApprovalUpdate,
  validateCertificateSigningRequestStatusUpdate,
  validateCertificateSigningRequestUpdate,
} from './certificates.js';
import { validateClusterRole, validateClusterRoleBinding, validateRole, validateRoleBinding, validateRoleRefUnchanged } from './rbac.js';
import {
  validateDeviceClass,
  validateResourceClaim,
  validateResourceClaimStatus,
  validateResourceClaimTemplate,
  validateResourceClaimTemplateUpdate,
  validateResourceClaimUpdate,
  validateResourceSlice,
  validateResourceSliceUpdate,
} from './resource.js';
import { validateRuntimeClass, validateRuntimeClassUpdate } from './runtimeclass.js';
import { validateEventV1 } from './events-v1.js';
import {
  validateIngress,
  validateIngressClass,
  validateIngressClassUpdate,
  validateIngressStatus,
  validateIngressUpdate,
  validateIPAddress,
  validateIPAddressUpdate,
  validateNetworkPolicy,
  validateNetworkPolicyUpdate,
  validateServiceCIDR,
  validateServiceCIDRUpdate,
} from './networking.js';
import {
  validatePersistentVolume,
  validatePersistentVolumeClaim,
  validatePersistentVolumeClaimStatus,
  validatePersistentVolumeClaimUpdate,
  validatePersistentVolumeUpdate,
} from './persistent-volume.js';
import { validateLimitRange, validateResourceQuota, validateResourceQuotaStatusUpdate, validateResourceQuotaUpdate } from './policy-core.js';
import {
  validateCSIDriver,
  validateCSIDriverUpdate,
  validateCSINode,
  validateCSINodeUpdate,
  validateCSIStorageCapacity,
  validateCSIStorageCapacityUpdate,
  validateStorageClass,
  validateStorageClassUpdate,
  validateVolumeAttachment,
  validateVolumeAttachmentStatusUpdate,
  validateVolumeAttachmentUpdate,
  validateVolumeAttributesClass,
  validateVolumeAttributesClassUpdate,
} from './storage.js';
import { Errs, type Rec, asRec, int, rec } from './json.js';
import { validateLeaseSpec } from './lease.js';
import { type MetaRules, validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { nameIsDNSSubdomain, nameIsPathSegment } from '../names.js';
import { validateBindingBody, validatePodCreate, validatePodStatusUpdate, validatePodUpdate } from './pod.js';
import { SERVICE_META, validateServiceSpec, validateServiceStatus, validateServiceUpdateRules } from './service.js';
import {
  WORKLOAD_META,
  validateDaemonSet,
  validateDaemonSetStatus,
  validateDeployment,
  validateDeploymentStatus,
  validateReplicaSet,
  validateReplicaSetStatus,
  validateSelectorUnchanged,
} from './workloads.js';

type Check = (errs: Errs, obj: Rec, old: Rec) => void;

interface KindValidation {
  /** Everything checked on create, ObjectMeta included. */
  create: Check;
  /** Kind rules on update; ObjectMeta update rules run for every kind before these. */
  update: Check;
  /** Rules of the status subresource, if the kind has one. */
  status?: Check;
  /** Rules of the approval subresource (CertificateSigningRequests). */
  approval?: Check;
}

const LEASE_META: MetaRules = { nameRule: nameIsDNSSubdomain, namespaced: true, kubeFinalizers: false };

/** Create-time rules of a kind that only has metadata rules plus `spec`. */
function withMeta(meta: MetaRules, spec: (errs: Errs, obj: Rec) => void = () => undefined): Check {
  return (errs, obj) => {
    validateObjectMeta(errs, obj, meta);
    spec(errs, obj);
  };
}

function metaUpdate(kubeFinalizers = true): Check {
  return (errs, obj, old) => validateObjectMetaUpdate(errs, obj, old, kubeFinalizers);
}

function all(...checks: Check[]): Check {
  return (errs, obj, old) => checks.forEach((c) => c(errs, obj, old));
}

const namespaceCreate = withMeta(NAMESPACE_META, validateNamespaceSpec);
const nodeCreate = withMeta(NODE_META, validateNodeSpec);
const serviceCreate = withMeta(SERVICE_META, validateServiceSpec);
const endpointsCreate = withMeta(NAMESPACED_SUBDOMAIN_META, validateEndpointsSubsets);
const configMapCreate = withMeta(NAMESPACED_SUBDOMAIN_META, validateConfigMapData);
const secretCreate = withMeta(NAMESPACED_SUBDOMAIN_META, validateSecretData);
const serviceAccountCreate = withMeta(NAMESPACED_SUBDOMAIN_META);
const deploymentSpec: Check = (errs, obj) => validateDeployment(errs, obj);
const replicaSetSpec: Check = (errs, obj) => validateReplicaSet(errs, obj);
const daemonSetSpec: Check = (errs, obj) => validateDaemonSet(errs, obj);
const sliceCreate = withMeta(NAMESPACED_SUBDOMAIN_META, (errs, obj) => validateEndpointSlice(errs, obj, false));
const sliceUpdate = withMeta(NAMESPACED_SUBDOMAIN_META, (errs, obj) => validateEndpointSlice(errs, obj, true));
const eventRules: Check = (errs, obj) => validateEvent(errs, obj);
/** autoscaling/v1 objects are validated as the v2 objects they are stored as. */
const asHpaV2 =
  (check: Check): Check =>
  (errs, obj, old) =>
    check(errs, obj.apiVersion === 'autoscaling/v1' ? hpaV1ToV2(obj) : obj, old.apiVersion === 'autoscaling/v1' ? hpaV1ToV2(old) : old);

const KINDS: Record<string, KindValidation> = {
  '/Namespace': {
    create: namespaceCreate,
    update: all(namespaceCreate, metaUpdate()),
    status: all(metaUpdate(), (errs, obj) => validateNamespaceStatus(errs, obj)),
  },
  '/Node': {
    create: nodeCreate,
    update: all(nodeCreate, metaUpdate(), validateNodeUpdateRules),
    status: all(metaUpdate(), validateNodeUpdateRules),
  },
  '/Pod': {
    create: (errs, obj) => validatePodCreate(errs, obj),
    update: all(metaUpdate(), validatePodUpdate),
    status: all(metaUpdate(), validatePodStatusUpdate),
  },
  '/Service': {
    create: serviceCreate,
    update: all(metaUpdate(), validateServiceUpdateRules, serviceCreate),
    status: all(metaUpdate(), (errs, obj) => validateServiceStatus(errs, obj)),
  },
  '/Endpoints': { create: endpointsCreate, update: all(metaUpdate(), endpointsCreate) },
  '/ConfigMap': {
    create: configMapCreate,
    update: all(metaUpdate(), (errs, obj, old) => validateImmutableData(errs, obj, old, ['data', 'binaryData']), configMapCreate),
  },
  '/Secret': { create: secretCreate, update: all(metaUpdate(), validateSecretUpdateRules, secretCreate) },
  '/ServiceAccount': { create: serviceAccountCreate, update: all(metaUpdate(), serviceAccountCreate) },
  // core/v1 Events only get the legacy event checks; their metadata gets the generic ones.
  '/Event': { create: eventRules, update: eventRules },
  'apps/Deployment': {
    create: all(withMeta(WORKLOAD_META), deploymentSpec),
    update: all(metaUpdate(), deploymentSpec, validateSelectorUnchanged),
    status: all(metaUpdate(), validateDeploymentStatus),
  },
  'apps/ReplicaSet': {
    create: all(withMeta(WORKLOAD_META), replicaSetSpec),
    update: all(metaUpdate(), replicaSetSpec, validateSelectorUnchanged),
    status: all(metaUpdate(), (errs, obj) => validateReplicaSetStatus(errs, obj)),
  },
  'apps/DaemonSet': {
    create: all(withMeta(WORKLOAD_META), daemonSetSpec),
    update: all(metaUpdate(), daemonSetSpec, validateSelectorUnchanged),
    status: all(metaUpdate(), validateDaemonSetStatus),
  },
  // The new Events API validates its metadata like any DNS-subdomain-named object.
  'events.k8s.io/Event': {
    create: all(withMeta(NAMESPACED_SUBDOMAIN_META), validateEventV1),
    update: all(metaUpdate(), withMeta(NAMESPACED_SUBDOMAIN_META), validateEventV1),
  },
  'discovery.k8s.io/EndpointSlice': { create: sliceCreate, update: all(sliceUpdate, validateEndpointSliceUpdateRules) },
  'coordination.k8s.io/Lease': {
    create: withMeta(LEASE_META, validateLeaseSpec),
    update: all(metaUpdate(false), (errs, obj) => validateLeaseSpec(errs, obj)),
  },
  '/ResourceQuota': {
    create: (errs, obj) => validateResourceQuota(errs, obj),
    update: all(metaUpdate(), validateResourceQuotaUpdate),
    status: all(metaUpdate(), (errs, obj) => validateResourceQuotaStatusUpdate(errs, obj)),
  },
  '/LimitRange': {
    create: (errs, obj) => validateLimitRange(errs, obj),
    update: all(metaUpdate(), (errs, obj) => validateLimitRange(errs, obj)),
  },
  '/PersistentVolume': {
    create: (errs, obj) => validatePersistentVolume(errs, obj),
    update: all(metaUpdate(), validatePersistentVolumeUpdate),
    status: metaUpdate(),
  },
  '/PersistentVolumeClaim': {
    create: (errs, obj) => validatePersistentVolumeClaim(errs, obj),
    update: all(metaUpdate(), validatePersistentVolumeClaimUpdate),
    status: all(metaUpdate(), (errs, obj) => validatePersistentVolumeClaimStatus(errs, obj)),
  },
  'storage.k8s.io/StorageClass': {
    create: (errs, obj) => validateStorageClass(errs, obj),
    update: all(metaUpdate(), validateStorageClassUpdate),
  },
  'storage.k8s.io/CSIDriver': {
    create: (errs, obj) => validateCSIDriver(errs, obj),
    update: all(metaUpdate(), validateCSIDriverUpdate),
  },
  'storage.k8s.io/CSINode': {
    create: (errs, obj) => validateCSINode(errs, obj),
    update: all(metaUpdate(), validateCSINodeUpdate),
  },
  'storage.k8s.io/VolumeAttachment': {
    create: (errs, obj) => validateVolumeAttachment(errs, obj),
    update: all(metaUpdate(), validateVolumeAttachmentUpdate),
    status: all(metaUpdate(), (errs, obj) => validateVolumeAttachmentStatusUpdate(errs, obj)),
  },
  'storage.k8s.io/CSIStorageCapacity': {
    create: (errs, obj) => validateCSIStorageCapacity(errs, obj),
    update: all(metaUpdate(), validateCSIStorageCapacityUpdate),
  },
  'storage.k8s.io/VolumeAttributesClass': {
    create: (errs, obj) => validateVolumeAttributesClass(errs, obj),
    update: all(metaUpdate(), validateVolumeAttributesClassUpdate),
  },
  'networking.k8s.io/Ingress': {
    create: (errs, obj) => validateIngress(errs, obj),
    update: all(metaUpdate(), validateIngressUpdate),
    status: all(metaUpdate(), (errs, obj) => validateIngressStatus(errs, obj)),
  },
  'networking.k8s.io/IngressClass': {
    create: (errs, obj) => validateIngressClass(errs, obj),
    update: all(metaUpdate(), validateIngressClassUpdate),
  },
  'networking.k8s.io/NetworkPolicy': {
    create: (errs, obj) => validateNetworkPolicy(errs, obj),
    update: all(metaUpdate(), (errs, obj) => validateNetworkPolicyUpdate(errs, obj)),
  },
  'networking.k8s.io/ServiceCIDR': {
    create: (errs, obj) => validateServiceCIDR(errs, obj),
    update: all(metaUpdate(), validateServiceCIDRUpdate),
    status: metaUpdate(),
  },
  'networking.k8s.io/IPAddress': {
    create: (errs, obj) => validateIPAddress(errs, obj),
    update: all(metaUpdate(), validateIPAddressUpdate),
  },
  '/ReplicationController': {
    create: (errs, obj) => validateReplicationController(errs, obj),
    update: all(metaUpdate(), (errs, obj) => validateReplicationControllerSpec(errs, obj)),
    status: all(metaUpdate(), (errs, obj) => validateReplicationControllerStatus(errs, obj)),
  },
  '/PodTemplate': {
    create: withMeta(NAMESPACED_SUBDOMAIN_META, validatePodTemplateObject),
    update: all(metaUpdate(), (errs, obj) => validatePodTemplateObject(errs, obj)),
  },
  'apps/StatefulSet': {
    create: (errs, obj) => validateStatefulSet(errs, obj),
    update: all(metaUpdate(), validateStatefulSetUpdate),
    status: all(metaUpdate(), validateStatefulSetStatus),
  },
  'apps/ControllerRevision': {
    create: (errs, obj) => validateControllerRevision(errs, obj),
    update: all(metaUpdate(), validateControllerRevisionUpdate),
  },
  'autoscaling/HorizontalPodAutoscaler': {
    create: asHpaV2((errs, obj) => validateHorizontalPodAutoscaler(errs, obj)),
    update: all(metaUpdate(), asHpaV2(validateHorizontalPodAutoscalerUpdate)),
    status: all(metaUpdate(), asHpaV2((errs, obj) => validateHorizontalPodAutoscalerStatus(errs, obj))),
  },
  'batch/Job': {
    create: (errs, obj) => validateJob(errs, obj),
    update: all(metaUpdate(), validateJobUpdate),
    status: all(metaUpdate(), validateJobStatus),
  },
  'batch/CronJob': {
    create: (errs, obj) => validateCronJob(errs, obj),
    update: all(metaUpdate(), validateCronJobUpdate),
    status: metaUpdate(),
  },
  'policy/PodDisruptionBudget': {
    create: (errs, obj) => validatePodDisruptionBudget(errs, obj),
    update: all(metaUpdate(), (errs, obj) => validatePodDisruptionBudget(errs, obj)),
    status: all(metaUpdate(), (errs, obj) => validatePodDisruptionBudgetStatus(errs, obj)),
  },
  'scheduling.k8s.io/PriorityClass': {
    create: (errs, obj) => validatePriorityClass(errs, obj),
    update: all(metaUpdate(), validatePriorityClassUpdate),
  },
  'rbac.authorization.k8s.io/Role': {
    create: (errs, obj) => validateRole(errs, obj),
    update: (errs, obj) => validateRole(errs, obj),
  },
  'rbac.authorization.k8s.io/ClusterRole': {
    create: (errs, obj) => validateClusterRole(errs, obj),
    update: (errs, obj) => validateClusterRole(errs, obj),
  },
  'rbac.authorization.k8s.io/RoleBinding': {
    create: (errs, obj) => validateRoleBinding(errs, obj),
    update: all((errs, obj) => validateRoleBinding(errs, obj), validateRoleRefUnchanged),
  },
  'rbac.authorization.k8s.io/ClusterRoleBinding': {
    create: (errs, obj) => validateClusterRoleBinding(errs, obj),
    update: all((errs, obj) => validateClusterRoleBinding(errs, obj), validateRoleRefUnchanged),
  },
  'certificates.k8s.io/CertificateSigningRequest': {
    create: (errs, obj) => validateCertificateSigningRequest(errs, obj),
    update: all(metaUpdate(), validateCertificateSigningRequestUpdate),
    status: all(metaUpdate(), validateCertificateSigningRequestStatusUpdate),
    approval: all(metaUpdate(), validateCertificateSigningRequestApprovalUpdate),
  },
  'node.k8s.io/RuntimeClass': {
    create: (errs, obj) => validateRuntimeClass(errs, obj),
    update: all(metaUpdate(), validateRuntimeClassUpdate),
  },
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration': {
    create: (errs, obj) => validateValidatingWebhookConfiguration(errs, obj),
    update: validateValidatingWebhookConfiguration,
  },
  'admissionregistration.k8s.io/MutatingWebhookConfiguration': {
    create: (errs, obj) => validateMutatingWebhookConfiguration(errs, obj),
    update: validateMutatingWebhookConfiguration,
  },
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy': {
    create: (errs, obj) => validateValidatingAdmissionPolicy(errs, obj),
    update: (errs, obj) => validateValidatingAdmissionPolicy(errs, obj),
    status: metaUpdate(false),
  },
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding': {
    create: (errs, obj) => validateValidatingAdmissionPolicyBinding(errs, obj),
    update: (errs, obj) => validateValidatingAdmissionPolicyBinding(errs, obj),
  },
  'resource.k8s.io/DeviceClass': {
    create: (errs, obj) => validateDeviceClass(errs, obj),
    update: all(metaUpdate(), (errs, obj) => validateDeviceClass(errs, obj)),
  },
  'resource.k8s.io/ResourceClaim': {
    create: (errs, obj) => validateResourceClaim(errs, obj),
    update: all(metaUpdate(), validateResourceClaimUpdate),
    status: all(metaUpdate(), validateResourceClaimStatus),
  },
  'resource.k8s.io/ResourceClaimTemplate': {
    create: (errs, obj) => validateResourceClaimTemplate(errs, obj),
    update: all(metaUpdate(), (errs, obj) => validateResourceClaimTemplate(errs, obj), validateResourceClaimTemplateUpdate),
  },
  'resource.k8s.io/ResourceSlice': {
    create: (errs, obj) => validateResourceSlice(errs, obj),
    update: all(metaUpdate(), (errs, obj) => validateResourceSlice(errs, obj), validateResourceSliceUpdate),
  },
};

function asObject(value: unknown): Rec {
  return asRec(value) ?? {};
}

/** Kubernetes prints each distinct message once; the same rule can fire from two layers. */
function distinct(errors: readonly FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const text = formatFieldError(e);
    if (seen.has(text)) return false;
    seen.add(text);
    return true;
  });
}

/** The rules every object gets from the generic registry: its name must be usable in a URL path. */
function genericMetaRules(info: ResourceInfo): MetaRules {
  return { nameRule: nameIsPathSegment, namespaced: info.namespaced, kubeFinalizers: false };
}

function kindOf(info: ResourceInfo): KindValidation | undefined {
  return KINDS[`${info.group}/${info.kind}`];
}

export function validateCreate(info: ResourceInfo, obj: KubeObject): FieldError[] {
  const o = asObject(obj);
  const errs = new Errs();
  kindOf(info)?.create(errs, o, {});
  // As in the apiserver, the generic metadata pass only runs once the kind's own rules pass.
  if (errs.length === 0) validateObjectMeta(errs, o, genericMetaRules(info));
  return distinct(errs.list);
}

function commonUpdate(errs: Errs, info: ResourceInfo, o: Rec, prev: Rec): void {
  validateObjectMeta(errs, o, genericMetaRules(info));
  validateObjectMetaUpdate(errs, o, prev, false);
}

export function validateUpdate(info: ResourceInfo, obj: KubeObject, old: KubeObject): FieldError[] {
  const o = asObject(obj);
  const prev = asObject(old);
  const errs = new Errs();
  commonUpdate(errs, info, o, prev);
  kindOf(info)?.update(errs, o, prev);
  return distinct(errs.list);
}

export function validateStatusUpdate(info: ResourceInfo, obj: KubeObject, old: KubeObject): FieldError[] {
  const o = asObject(obj);
  const prev = asObject(old);
  const errs = new Errs();
  commonUpdate(errs, info, o, prev);
  const kind = kindOf(info);
  (kind?.status ?? kind?.update)?.(errs, o, prev);
  return distinct(errs.list);
}

/** An update through the approval subresource (a CertificateSigningRequest's Approved or Denied condition). */
export function validateApprovalUpdate(info: ResourceInfo, obj: KubeObject, old: KubeObject): FieldError[] {
  const o = asObject(obj);
  const prev = asObject(old);
  const errs = new Errs();
  commonUpdate(errs, info, o, prev);
  const kind = kindOf(info);
  (kind?.approval ?? kind?.update)?.(errs, o, prev);
  return distinct(errs.list);
}

/** autoscaling/v1 Scale, the body of the scale subresource. */
export function validateScale(obj: KubeObject): FieldError[] {
  const o = asObject(obj);
  const errs = new Errs();
  validateObjectMeta(errs, o, WORKLOAD_META);
  const replicas = int(errs, rec(errs, o, 'spec', FieldPath.root()), 'replicas', FieldPath.root('spec'));
  if (replicas < 0) errs.invalid(FieldPath.root('spec').child('replicas'), replicas, ['must be greater than or equal to 0']);
  return distinct(errs.list);
}

/** core/v1 Binding, the body of pods/binding. */
export function validateBinding(obj: KubeObject): FieldError[] {
  const errs = new Errs();
  validateBindingBody(errs, asObject(obj));
  return distinct(errs.list);
}

