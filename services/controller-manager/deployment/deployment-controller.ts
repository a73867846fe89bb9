// The Deployment controller's event handling (k8s.io/kubernetes/pkg/controller/deployment):
// Deployments, their ReplicaSets and (for Recreate) pods enqueue the Deployment's key; a worker
// claims the ReplicaSets the selector matches (adopting orphans, releasing strays) and hands them
// to the rollout.
import type { Pod } from 'kubernetes-types/core/v1.js';
import { NAMESPACE_INDEX } from '../../../lib/client/indexer.js';
import type { Informer } from '../../../lib/client/informer.js';
import { objectKey } from '../../../lib/client/paths.js';
import { claimObjects, controllerRefOf } from '../controller-ref.js';
import { PODS, type PodObject } from '../pod-control.js';
import { QueueController, QueueWorkers, controllerQueue } from '../queue-workers.js';
import { claimCandidates, OWNER_UID_INDEX } from '../shared-informers.js';
import { DEPLOYMENTS, REPLICA_SETS, Rollout, selectorOf } from './rollout.js';
import type { DeploymentObject, ReplicaSetObject } from './types.js';
import type { ControllerContext } from '../controller-context.js';

export type DeploymentControllerConfig = ControllerContext;

export class DeploymentController extends QueueController {
  private readonly deployments: Informer<DeploymentObject>;
  private readonly sets: Informer<ReplicaSetObject>;
  private readonly pods: Informer<PodObject>;
  protected readonly workers: QueueWorkers;
  private readonly rollout: Rollout;

  constructor(private readonly config: DeploymentControllerConfig) {
    super();
    this.deployments = config.informers.informerFor<DeploymentObject>(DEPLOYMENTS);
    this.sets = config.informers.informerFor<ReplicaSetObject>(REPLICA_SETS);
    this.pods = config.informers.informerFor<PodObject>(PODS);
    this.workers = controllerQueue(config, 'deployment', (key) => this.sync(key));
    this.rollout = new Rollout({ client: config.client, events: config.events, clock: config.clock, log: config.log, requeueAfter: (d, ms) => this.workers.queue.addAfter(objectKey(d), ms) });
    this.deployments.addEventHandler({
      onAdd: (d) => this.enqueue(d),
      onUpdate: (_before, after) => this.enqueue(after),
      onDelete: (d) => this.enqueue(d),
    });
    this.sets.addEventHandler({
      onAdd: (rs) => this.replicaSetChanged(rs),
      onUpdate: (before, after) => {
        if (before.metadata?.resourceVersion === after.metadata?.resourceVersion) return;
        const oldRef = controllerRefOf(before);
        if (oldRef && oldRef.uid !== controllerRefOf(after)?.uid) this.replicaSetChanged(before);
        this.replicaSetChanged(after);
      },
      onDelete: (rs) => this.replicaSetChanged(rs),
    });
    this.pods.addEventHandler({ onDelete: (pod) => this.podDeleted(pod) });
  }

  private enqueue(d: DeploymentObject): void {
    this.workers.queue.add(objectKey(d));
  }

  private ownerOf(rs: ReplicaSetObject): DeploymentObject | undefined {
    const ref = controllerRefOf(rs);
    if (!ref || ref.kind !== 'Deployment') return undefined;
    const d = this.deployments.indexer.get(`${rs.metadata?.namespace}/${ref.name}`);
    return d?.metadata?.uid === ref.uid ? d : undefined;
  }

  private replicaSetChanged(rs: ReplicaSetObject): void {
    if (controllerRefOf(rs)) {
      const owner = this.ownerOf(rs);
      if (owner) this.enqueue(owner);
      return;
    }
    // An orphan: the Deployments that could adopt it.
    for (const d of this.deployments.indexer.byIndex(NAMESPACE_INDEX, rs.metadata?.namespace ?? '')) {
      try {
        const selector = selectorOf(d);
        if (!selector.isEmpty() && selector.matches(rs.metadata?.labels)) this.enqueue(d);
      } catch {
        // An invalid selector adopts nothing.
      }
    }
  }

  /** Recreate waits for the old pods to go: each deletion may let it continue. */
  private podDeleted(pod: Pod): void {
    const ref = controllerRefOf(pod);
    if (!ref || ref.kind !== 'ReplicaSet') return;
    const rs = this.sets.indexer.get(`${pod.metadata?.namespace}/${ref.name}`);
    const d = rs ? this.ownerOf(rs) : undefined;
    if (d && d.spec?.strategy?.type === 'Recreate') this.enqueue(d);
  }

  async sync(key: string): Promise<void> {
    const cached = this.deployments.indexer.get(key);
    if (!cached) return;
    const d = structuredClone(cached);
    let selector;
    try {
      selector = selectorOf(d);
    } catch {
      return;
    }
    if (selector.isEmpty()) {
      // Kubernetes refuses to act on a selector that selects everything; it only reports the generation.
      this.config.log.warn({ deployment: key }, 'a Deployment with an empty selector selects every pod; not syncing');
      return;
    }
    const candidates = claimCandidates(this.sets, d);
    const owned = await claimObjects(this.config.client, { owner: d, ownerApiVersion: 'apps/v1', ownerKind: 'Deployment', selector, resource: REPLICA_SETS }, candidates);
    const pods = new Map<string, Pod[]>();
    if (d.spec?.strategy?.type === 'Recreate') {
      for (const rs of owned) pods.set(rs.metadata?.uid ?? '', this.pods.indexer.byIndex(OWNER_UID_INDEX, rs.metadata?.uid ?? ''));
    }
    await this.rollout.sync(d, owned.map((rs) => structuredClone(rs)), pods);
  }
}
