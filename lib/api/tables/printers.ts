// Which printer serves which kind. Keyed by group and kind, so a same-named kind in another
// group never borrows a printer.
import { columnsPrinter } from './custom-columns.js';
import type { ResourceInfo } from '../resources.js';
import { configMapPrinter } from './configmap.js';
import { daemonSetPrinter } from './daemonset.js';
import { deploymentPrinter } from './deployment.js';
import { endpointsPrinter } from './endpoints.js';
import { endpointSlicePrinter } from './endpointslice.js';
import { eventPrinter, eventV1Printer } from './event.js';
import { genericPrinter } from './generic.js';
import { leasePrinter } from './lease.js';
import { namespacePrinter } from './namespace.js';
import { nodePrinter } from './node.js';
import { podPrinter } from './pod.js';
import { replicaSetPrinter } from './replicaset.js';
import { secretPrinter } from './secret.js';
import { serviceAccountPrinter } from './serviceaccount.js';
import { servicePrinter } from './service.js';
import type { Printer } from './types.js';
import { resourceQuotaPrinter } from './resourcequota.js';
import { persistentVolumePrinter } from './persistentvolume.js';
import { persistentVolumeClaimPrinter } from './persistentvolumeclaim.js';
import { storageClassPrinter } from './storageclass.js';
import { csiDriverPrinter } from './csidriver.js';
import { csiNodePrinter } from './csinode.js';
import { volumeAttachmentPrinter } from './volumeattachment.js';
import { csiStorageCapacityPrinter } from './csistoragecapacity.js';
import { volumeAttributesClassPrinter } from './volumeattributesclass.js';
import { ingressPrinter } from './ingress.js';
import { ingressClassPrinter } from './ingressclass.js';
import { networkPolicyPrinter } from './networkpolicy.js';
import { serviceCIDRPrinter } from './servicecidr.js';
import { ipAddressPrinter } from './ipaddress.js';
import { controllerRevisionPrinter } from './controllerrevision.js';
import { cronJobPrinter } from './cronjob.js';
import { horizontalPodAutoscalerPrinter } from './horizontalpodautoscaler.js';
import { jobPrinter } from './job.js';
import { podDisruptionBudgetPrinter } from './poddisruptionbudget.js';
import { podTemplatePrinter } from './podtemplate.js';
import { priorityClassPrinter } from './priorityclass.js';
import { replicationControllerPrinter } from './replicationcontroller.js';
import { statefulSetPrinter } from './statefulset.js';
import { certificateSigningRequestPrinter } from './certificatesigningrequest.js';
import { nameAgePrinter } from './name-age.js';
import { resourceClaimPrinter } from './resourceclaim.js';
import { resourceSlicePrinter } from './resourceslice.js';
import { clusterRoleBindingPrinter, roleBindingPrinter } from './rolebinding.js';
import { runtimeClassPrinter } from './runtimeclass.js';
import { validatingAdmissionPolicyPrinter } from './validatingadmissionpolicy.js';
import { validatingAdmissionPolicyBindingPrinter } from './validatingadmissionpolicybinding.js';
import { webhookConfigurationPrinter } from './webhookconfiguration.js';

const PRINTERS = new Map<string, Printer>([
  ['/Namespace', namespacePrinter],
  ['/Node', nodePrinter],
  ['/Pod', podPrinter],
  ['/Service', servicePrinter],
  ['/Endpoints', endpointsPrinter],
  ['/ConfigMap', configMapPrinter],
  ['/Secret', secretPrinter],
  ['/ServiceAccount', serviceAccountPrinter],
  ['/Event', eventPrinter],
  ['events.k8s.io/Event', eventV1Printer],
  ['apps/Deployment', deploymentPrinter],
  ['apps/ReplicaSet', replicaSetPrinter],
  ['apps/DaemonSet', daemonSetPrinter],
  ['discovery.k8s.io/EndpointSlice', endpointSlicePrinter],
  ['coordination.k8s.io/Lease', leasePrinter],
  ['/ResourceQuota', resourceQuotaPrinter],
  ['/PersistentVolume', persistentVolumePrinter],
  ['/PersistentVolumeClaim', persistentVolumeClaimPrinter],
  ['storage.k8s.io/StorageClass', storageClassPrinter],
  ['storage.k8s.io/CSIDriver', csiDriverPrinter],
  ['storage.k8s.io/CSINode', csiNodePrinter],
  ['storage.k8s.io/VolumeAttachment', volumeAttachmentPrinter],
  ['storage.k8s.io/CSIStorageCapacity', csiStorageCapacityPrinter],
  ['storage.k8s.io/VolumeAttributesClass', volumeAttributesClassPrinter],
  ['networking.k8s.io/Ingress', ingressPrinter],
  ['networking.k8s.io/IngressClass', ingressClassPrinter],
  ['networking.k8s.io/NetworkPolicy', networkPolicyPrinter],
  ['networking.k8s.io/ServiceCIDR', serviceCIDRPrinter],
  ['networking.k8s.io/IPAddress', ipAddressPrinter],
  ['/ReplicationController', replicationControllerPrinter],
  ['/PodTemplate', podTemplatePrinter],
  ['apps/StatefulSet', statefulSetPrinter],
  ['apps/ControllerRevision', controllerRevisionPrinter],
  ['autoscaling/HorizontalPodAutoscaler', horizontalPodAutoscalerPrinter],
  ['batch/Job', jobPrinter],
  ['batch/CronJob', cronJobPrinter],
  ['policy/PodDisruptionBudget', podDisruptionBudgetPrinter],
  ['scheduling.k8s.io/PriorityClass', priorityClassPrinter],
  // Kubernetes prints Roles and ClusterRoles with its default table: Name and Created At.
  ['rbac.authorization.k8s.io/Role', genericPrinter],
  ['rbac.authorization.k8s.io/ClusterRole', genericPrinter],
  ['rbac.authorization.k8s.io/RoleBinding', roleBindingPrinter],
  ['rbac.authorization.k8s.io/ClusterRoleBinding', clusterRoleBindingPrinter],
  ['certificates.k8s.io/CertificateSigningRequest', certificateSigningRequestPrinter],
  ['node.k8s.io/RuntimeClass', runtimeClassPrinter],
  ['admissionregistration.k8s.io/ValidatingWebhookConfiguration', webhookConfigurationPrinter],
  ['admissionregistration.k8s.io/MutatingWebhookConfiguration', webhookConfigurationPrinter],
  ['admissionregistration.k8s.io/ValidatingAdmissionPolicy', validatingAdmissionPolicyPrinter],
  ['admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding', validatingAdmissionPolicyBindingPrinter],
  ['resource.k8s.io/DeviceClass', nameAgePrinter],
  ['resource.k8s.io/ResourceClaim', resourceClaimPrinter],
  ['resource.k8s.io/ResourceClaimTemplate', nameAgePrinter],
  ['resource.k8s.io/ResourceSlice', resourceSlicePrinter],
  // Kubernetes prints CustomResourceDefinitions with its default table too.
  ['apiextensions.k8s.io/CustomResourceDefinition', genericPrinter],
]);

/** The printer for a kind: its columns given as data (custom resources), its own, or the generic Name / Created At one. */
export function printerFor(info: Pick<ResourceInfo, 'group' | 'kind' | 'printerColumns'>): Printer {
  if (info.printerColumns && info.printerColumns.length > 0) return columnsPrinter(info.printerColumns);
  return PRINTERS.get(`${info.group}/${info.kind}`) ?? genericPrinter;
}

/** Whether the kind has a printer of its own rather than the generic one. */
export function hasPrinter(info: Pick<ResourceInfo, 'group' | 'kind'>): boolean {
  return PRINTERS.has(`${info.group}/${info.kind}`);
}
