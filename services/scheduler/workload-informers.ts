// What plugins read beyond nodes and pods, kept current by informers: namespace labels (pod
// affinity terms with a namespaceSelector), Services and ReplicaSets (PodTopologySpread's
// default constraints select the pods of the same Service or controller) and
// PodDisruptionBudgets (preemption spares the pods they protect). Rudder serves no
// ReplicationControllers or StatefulSets, so those are never found.
import type { Namespace, Service } from 'kubernetes-types/core/v1.js';
import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import type { KubeObject } from '../../lib/api/object.js';
import { findResource } from '../../lib/api/resources.js';
import type { WatchBus } from '../../lib/bus/bus.js';
import type { Clock } from '../../lib/client/clock.js';
import { NAMESPACE_INDEX } from '../../lib/client/indexer.js';
import { Informer } from '../../lib/client/informer.js';
import type { RestClient } from '../../lib/client/rest-client.js';
import type { Logger } from '../../lib/observe/logger.js';
import type { WorkloadLister } from '../../lib/sched/framework/interfaces.js';
import type { Labels } from '../../lib/sched/types.js';

const NAMESPACES = findResource('', 'v1', 'namespaces')!;
const SERVICES = findResource('', 'v1', 'services')!;
const REPLICA_SETS = findResource('apps', 'v1', 'replicasets')!;
const PDBS = findResource('policy', 'v1', 'poddisruptionbudgets')!;

export interface WorkloadInformersDeps {
  client: RestClient;
  bus: WatchBus;
  clock: Clock;
  log: Logger;
}

export class WorkloadInformers implements WorkloadLister {
  private readonly namespaces: Informer<KubeObject>;
  private readonly serviceInformer: Informer<KubeObject>;
  private readonly replicaSets: Informer<KubeObject>;
  private readonly budgets: Informer<KubeObject>;

  constructor(deps: WorkloadInformersDeps) {
    const common = { client: deps.client, bus: deps.bus, clock: deps.clock, log: deps.log };
    this.namespaces = new Informer({ ...common, resource: NAMESPACES });
    this.serviceInformer = new Informer({ ...common, resource: SERVICES });
    this.replicaSets = new Informer({ ...common, resource: REPLICA_SETS });
    this.budgets = new Informer({ ...common, resource: PDBS });
  }

  private get all(): Informer<KubeObject>[] {
    return [this.namespaces, this.serviceInformer, this.replicaSets, this.budgets];
  }

  start(): void {
    for (const informer of this.all) informer.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.all.map((i) => i.stop()));
  }

  hasSynced(): boolean {
    return this.all.every((i) => i.hasSynced());
  }

  async waitForSync(timeoutMs?: number): Promise<boolean> {
    return (await Promise.all(this.all.map((i) => i.waitForSync(timeoutMs)))).every(Boolean);
  }

  namespaceLabels(namespace: string): Labels | undefined {
    return (this.namespaces.indexer.get(namespace) as Namespace | undefined)?.metadata?.labels;
  }

  services(namespace: string): readonly Service[] {
    return this.serviceInformer.indexer.byIndex(NAMESPACE_INDEX, namespace) as Service[];
  }

  podDisruptionBudgets(): readonly PodDisruptionBudget[] {
    return this.budgets.indexer.list() as PodDisruptionBudget[];
  }

  replicationController(): undefined {
    return undefined;
  }

  replicaSet(namespace: string, name: string): ReplicaSet | undefined {
    return this.replicaSets.indexer.get(`${namespace}/${name}`) as ReplicaSet | undefined;
  }

  statefulSet(): undefined {
    return undefined;
  }
}
