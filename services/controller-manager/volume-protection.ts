// The PVC and PV protection controllers (k8s.io/kubernetes/pkg/controller/volume/pvcprotection,
// pvprotection): the apiserver gives every claim the kubernetes.io/pvc-protection finalizer and
// every volume kubernetes.io/pv-protection, so neither goes while in use. Once deleted, a claim
// loses its finalizer when no pod that has not finished uses it; a volume when it is not Bound.
import type { PersistentVolume, PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../lib/api/object.js';
import { findResource, type ResourceInfo } from '../../lib/api/resources.js';
import { StatusError } from '../../lib/api/status.js';
import { NAMESPACE_INDEX } from '../../lib/client/indexer.js';
import type { Informer } from '../../lib/client/informer.js';
import { objectKey } from '../../lib/client/paths.js';
import type { ControllerContext } from './controller-context.js';
import { isPodTerminal } from './pod-conditions.js';
import { PODS, type PodObject } from './pod-control.js';
import { QueueController, QueueWorkers, controllerQueue } from './queue-workers.js';
import { PVCS } from './stateful-set.js';

export const PVS = findResource('', 'v1', 'persistentvolumes')!;
export const PVC_PROTECTION_FINALIZER = 'kubernetes.io/pvc-protection';
export const PV_PROTECTION_FINALIZER = 'kubernetes.io/pv-protection';

type ClaimObject = PersistentVolumeClaim & KubeObject;
type VolumeObject = PersistentVolume & KubeObject;

/** Whether a pod that may still run mounts the claim (podUsesPVC). */
export function podUsesClaim(pod: Pod, claim: string): boolean {
  if (isPodTerminal(pod)) return false;
  return (pod.spec?.volumes ?? []).some((v) => v.persistentVolumeClaim?.claimName === claim || (v.ephemeral && `${pod.metadata?.name}-${v.name}` === claim));
}

/** Removes `finalizer` from a deleted object at its cached resourceVersion, so a changed object is looked at again. */
async function removeFinalizer(context: ControllerContext, resource: ResourceInfo, obj: KubeObject, finalizer: string): Promise<void> {
  const finalizers = (obj.metadata?.finalizers ?? []).filter((f) => f !== finalizer);
  try {
    // an update, as Kubernetes' protection controllers write (their roles allow update, not patch); the cached resourceVersion makes a changed object conflict
    await context.client.update(resource, { ...structuredClone(obj), metadata: { ...structuredClone(obj.metadata), finalizers } });
    context.log.info({ resource: resource.resource, name: objectKey(obj), reason: 'NotInUse' }, 'removed the protection finalizer');
  } catch (error) {
    if (error instanceof StatusError && error.status.code === 404) return;
    throw error;
  }
}

export class PvcProtectionController extends QueueController {
  private readonly claims: Informer<ClaimObject>;
  private readonly pods: Informer<PodObject>;
  protected readonly workers: QueueWorkers;

  constructor(private readonly config: ControllerContext) {
    super();
    this.claims = config.informers.informerFor<ClaimObject>(PVCS);
    this.pods = config.informers.informerFor<PodObject>(PODS);
    this.workers = controllerQueue(config, 'pvcprotection', (key) => this.sync(key));
    const claimChanged = (claim: ClaimObject): void => {
      if (claim.metadata?.deletionTimestamp && claim.metadata.finalizers?.includes(PVC_PROTECTION_FINALIZER)) this.workers.queue.add(objectKey(claim));
    };
    this.claims.addEventHandler({ onAdd: claimChanged, onUpdate: (_b, claim) => claimChanged(claim) });
    // A pod that finished or went may free the claims it used.
    const podChanged = (pod: PodObject): void => {
      for (const v of pod.spec?.volumes ?? []) if (v.persistentVolumeClaim) this.workers.queue.add(`${pod.metadata?.namespace}/${v.persistentVolumeClaim.claimName}`);
    };
    this.pods.addEventHandler({ onUpdate: (_b, pod) => podChanged(pod), onDelete: podChanged });
  }

  async sync(key: string): Promise<void> {
    const claim = this.claims.indexer.get(key);
    if (!claim?.metadata?.deletionTimestamp || !claim.metadata.finalizers?.includes(PVC_PROTECTION_FINALIZER)) return;
    const name = claim.metadata.name ?? '';
    if (this.pods.indexer.byIndex(NAMESPACE_INDEX, claim.metadata.namespace ?? '').some((p) => podUsesClaim(p, name))) return;
    // The cache may miss a pod just made: ask the apiserver as Kubernetes does.
    const live = await this.config.client.list<Pod>(PODS, { namespace: claim.metadata.namespace });
    if (live.items.some((p) => podUsesClaim(p, name))) return;
    await removeFinalizer(this.config, PVCS, claim, PVC_PROTECTION_FINALIZER);
  }
}

export class PvProtectionController extends QueueController {
  private readonly volumes: Informer<VolumeObject>;
  protected readonly workers: QueueWorkers;

  constructor(private readonly config: ControllerContext) {
    super();
    this.volumes = config.informers.informerFor<VolumeObject>(PVS);
    this.workers = controllerQueue(config, 'pvprotection', (key) => this.sync(key));
    const changed = (pv: VolumeObject): void => {
      if (pv.metadata?.deletionTimestamp && pv.metadata.finalizers?.includes(PV_PROTECTION_FINALIZER)) this.workers.queue.add(objectKey(pv));
    };
    this.volumes.addEventHandler({ onAdd: changed, onUpdate: (_b, pv) => changed(pv) });
  }

  async sync(key: string): Promise<void> {
    const pv = this.volumes.indexer.get(key);
    if (!pv?.metadata?.deletionTimestamp || !pv.metadata.finalizers?.includes(PV_PROTECTION_FINALIZER)) return;
    if (pv.status?.phase === 'Bound') return;
    await removeFinalizer(this.config, PVS, pv, PV_PROTECTION_FINALIZER);
  }
}
