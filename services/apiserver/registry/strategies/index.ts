// Every served kind's strategy, by resource.
import type { ResourceInfo } from '../../../../lib/api/resources.js';
import type { Strategy } from '../strategy.js';
import { configmapStrategy } from './configmap.js';
import { daemonsetStrategy } from './daemonset.js';
import { deploymentStrategy } from './deployment.js';
import { endpointsStrategy } from './endpoints.js';
import { endpointsliceStrategy } from './endpointslice.js';
import { eventStrategy } from './event.js';
import { eventV1Strategy } from './event-v1.js';
import { leaseStrategy } from './lease.js';
import { namespaceStrategy } from './namespace.js';
import { nodeStrategy } from './node.js';
import { podStrategy } from './pod.js';
import { replicasetStrategy } from './replicaset.js';
import { secretStrategy } from './secret.js';
import { serviceStrategy } from './service.js';
import { serviceaccountStrategy } from './serviceaccount.js';
import { resourcequotaStrategy } from './resourcequota.js';
import { limitrangeStrategy } from './limitrange.js';
import { persistentvolumeStrategy } from './persistentvolume.js';
import { persistentvolumeclaimStrategy } from './persistentvolumeclaim.js';
import { storageclassStrategy } from './storageclass.js';
import { csidriverStrategy } from './csidriver.js';
import { csinodeStrategy } from './csinode.js';
import { volumeattachmentStrategy } from './volumeattachment.js';
import { csistoragecapacityStrategy } from './csistoragecapacity.js';
import { volumeattributesclassStrategy } from './volumeattributesclass.js';
import { ingressStrategy } from './ingress.js';
import { ingressclassStrategy } from './ingressclass.js';
import { networkpolicyStrategy } from './networkpolicy.js';
import { servicecidrStrategy } from './servicecidr.js';
import { ipaddressStrategy } from './ipaddress.js';
import { replicationcontrollerStrategy } from './replicationcontroller.js';
import { podtemplateStrategy } from './podtemplate.js';
import { statefulsetStrategy } from './statefulset.js';
import { controllerrevisionStrategy } from './controllerrevision.js';
import { hpaV1Strategy, hpaV2Strategy } from './horizontalpodautoscaler.js';
import { jobStrategy } from './job.js';
import { cronjobStrategy } from './cronjob.js';
import { poddisruptionbudgetStrategy } from './poddisruptionbudget.js';
import { priorityclassStrategy } from './priorityclass.js';
import { roleStrategy } from './role.js';
import { rolebindingStrategy } from './rolebinding.js';
import { clusterroleStrategy } from './clusterrole.js';
import { clusterrolebindingStrategy } from './clusterrolebinding.js';
import { certificatesigningrequestStrategy } from './certificatesigningrequest.js';
import { runtimeclassStrategy } from './runtimeclass.js';
import { mutatingwebhookconfigurationStrategy } from './mutatingwebhookconfiguration.js';
import { validatingwebhookconfigurationStrategy } from './validatingwebhookconfiguration.js';
import { validatingadmissionpolicyStrategy } from './validatingadmissionpolicy.js';
import { validatingadmissionpolicybindingStrategy } from './validatingadmissionpolicybinding.js';
import { deviceclassStrategy } from './deviceclass.js';
import { resourceclaimStrategy } from './resourceclaim.js';
import { resourceclaimtemplateStrategy } from './resourceclaimtemplate.js';
import { resourcesliceStrategy } from './resourceslice.js';
import { customresourcedefinitionStrategy } from './customresourcedefinition.js';

export const STRATEGIES: readonly Strategy[] = [
  namespaceStrategy,
  nodeStrategy,
  podStrategy,
  serviceStrategy,
  endpointsStrategy,
  configmapStrategy,
  secretStrategy,
  serviceaccountStrategy,
  eventStrategy,
  deploymentStrategy,
  replicasetStrategy,
  daemonsetStrategy,
  endpointsliceStrategy,
  leaseStrategy,
  eventV1Strategy,
  resourcequotaStrategy,
  limitrangeStrategy,
  persistentvolumeStrategy,
  persistentvolumeclaimStrategy,
  storageclassStrategy,
  csidriverStrategy,
  csinodeStrategy,
  volumeattachmentStrategy,
  csistoragecapacityStrategy,
  volumeattributesclassStrategy,
  ingressStrategy,
  ingressclassStrategy,
  networkpolicyStrategy,
  servicecidrStrategy,
  ipaddressStrategy,
  replicationcontrollerStrategy,
  podtemplateStrategy,
  statefulsetStrategy,
  controllerrevisionStrategy,
  hpaV2Strategy,
  hpaV1Strategy,
  jobStrategy,
  cronjobStrategy,
  poddisruptionbudgetStrategy,
  priorityclassStrategy,
  roleStrategy,
  rolebindingStrategy,
  clusterroleStrategy,
  clusterrolebindingStrategy,
  certificatesigningrequestStrategy,
  runtimeclassStrategy,
  mutatingwebhookconfigurationStrategy,
  validatingwebhookconfigurationStrategy,
  validatingadmissionpolicyStrategy,
  validatingadmissionpolicybindingStrategy,
  deviceclassStrategy,
  resourceclaimStrategy,
  resourceclaimtemplateStrategy,
  resourcesliceStrategy,
  customresourcedefinitionStrategy,
];

/** The strategy of a served resource; every resource in the table has one. */
export function strategyOf(info: ResourceInfo): Strategy {
  const strategy = STRATEGIES.find((s) => s.info === info);
  if (!strategy) throw new Error(`no strategy for ${info.resource}`);
  return strategy;
}
