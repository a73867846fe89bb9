// The node lifecycle controller (k8s.io/kubernetes/pkg/controller/nodelifecycle): every
// --node-monitor-period it checks when each node was last heard from — its Ready condition's
// lastHeartbeatTime or its Lease in kube-node-lease, whichever is newer, as this controller saw
// them change — and after --node-monitor-grace-period of silence sets the node's conditions to
// Unknown ("Kubelet stopped posting node status."). Nodes not Ready carry Kubernetes' taints:
// node.kubernetes.io/not-ready (Ready=False) or node.kubernetes.io/unreachable (Ready=Unknown),
// NoSchedule and NoExecute, removed once the node is Ready again. The taint-eviction controller
// then evicts the pods that do not tolerate them.
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Node, NodeCondition, Taint } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../lib/api/object.js';
import { findResource } from '../../lib/api/resources.js';
import { StatusError } from '../../lib/api/status.js';
import type { Timer } from '../../lib/client/clock.js';
import type { Informer } from '../../lib/client/informer.js';
import type { ControllerContext } from './controller-context.js';
import { timeText } from './deployment/conditions.js';
import { QueueWorkers, controllerQueue } from './queue-workers.js';

export const NODES = findResource('', 'v1', 'nodes')!;
const LEASES = findResource('coordination.k8s.io', 'v1', 'leases')!;
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
const UNKNOWN_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

type NodeObject = Node & KubeObject;
type LeaseObject = Lease & KubeObject;

export interface NodeLifecycleConfig extends ControllerContext {
  monitorPeriodMs: number;
  gracePeriodMs: number;
}

interface Health {
  /** When this controller last saw the node's heartbeat or lease move (its own clock). */
  probeAt: number;
  heartbeat?: string;
  renewTime?: string;
}

export class NodeLifecycleController {
  private readonly nodes: Informer<NodeObject>;
  private readonly leases: Informer<LeaseObject>;
  private readonly workers: QueueWorkers;
  private readonly health = new Map<string, Health>();
  private timer: Timer | undefined;

  constructor(private readonly config: NodeLifecycleConfig) {
    this.nodes = config.informers.informerFor<NodeObject>(NODES);
    this.leases = config.informers.informerFor<LeaseObject>(LEASES);
    this.workers = controllerQueue(config, 'node_lifecycle_controller', (name) => this.sync(name));
    this.nodes.addEventHandler({
      onAdd: (node) => this.enqueue(node.metadata?.name),
      onUpdate: (_b, node) => this.enqueue(node.metadata?.name),
      onDelete: (node) => this.health.delete(node.metadata?.name ?? ''),
    });
  }

  run(): void {
    this.workers.run();
    const tick = (): void => {
      for (const name of this.nodes.indexer.keys()) this.enqueue(name);
      this.timer = this.config.clock.setTimer(tick, this.config.monitorPeriodMs);
    };
    tick();
  }

  async stop(): Promise<void> {
    this.timer?.cancel();
    await this.workers.stop();
  }

  private enqueue(name: string | undefined): void {
    if (name) this.workers.queue.add(name);
  }

  /** When the node was last heard from, by this controller's clock. */
  private probe(node: NodeObject): number {
    const name = node.metadata?.name ?? '';
    const now = this.config.clock.now();
    const heartbeat = node.status?.conditions?.find((c) => c.type === 'Ready')?.lastHeartbeatTime;
    const renewTime = this.leases.indexer.get(`${NODE_LEASE_NAMESPACE}/${name}`)?.spec?.renewTime;
    const known = this.health.get(name);
    if (!known) {
      // A node first seen counts as just heard from: it gets a whole grace period.
      this.health.set(name, { probeAt: now, heartbeat, renewTime });
      return now;
    }
    if (known.heartbeat !== heartbeat || known.renewTime !== renewTime) {
      known.probeAt = now;
      known.heartbeat = heartbeat;
      known.renewTime = renewTime;
    }
    return known.probeAt;
  }

  async sync(name: string): Promise<void> {
    const cached = this.nodes.indexer.get(name);
    if (!cached) return;
    let node = structuredClone(cached);
    const now = this.config.clock.now();
    const silentFor = now - this.probe(node);
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
    if (silentFor > this.config.gracePeriodMs && ready?.status !== 'Unknown') {
      node = await this.markUnknown(node, now);
    }
    await this.reconcileTaints(node, now);
  }

  private async markUnknown(node: NodeObject, now: number): Promise<NodeObject> {
    const stamp = timeText(now);
    const conditions: NodeCondition[] = [...(node.status?.conditions ?? [])];
    for (const type of UNKNOWN_CONDITIONS) {
      const index = conditions.findIndex((c) => c.type === type);
      const before = index >= 0 ? conditions[index] : undefined;
      if (before?.status === 'Unknown') continue;
      const next: NodeCondition = {
        type,
        status: 'Unknown',
        reason: before ? 'NodeStatusUnknown' : 'NodeStatusNeverUpdated',
        message: before ? 'Kubelet stopped posting node status.' : 'Kubelet never posted node status.',
        lastHeartbeatTime: before?.lastHeartbeatTime ?? node.metadata?.creationTimestamp,
        lastTransitionTime: stamp,
      };
      if (index >= 0) conditions[index] = next;
      else conditions.push(next);
    }
    this.config.log.info({ node: node.metadata?.name, reason: 'NodeStatusUnknown' }, 'node stopped posting status');
    try {
      return await this.config.client.update<NodeObject>(NODES, { ...node, status: { ...(node.status ?? {}), conditions } }, 'status');
    } catch (error) {
      if (error instanceof StatusError && error.status.code === 404) return node;
      throw error;
    }
  }

  private async reconcileTaints(node: NodeObject, now: number): Promise<void> {
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status;
    const wanted = ready === 'False' ? TAINT_NOT_READY : ready === 'Unknown' ? TAINT_UNREACHABLE : undefined;
    const taints: Taint[] = [...(node.spec?.taints ?? [])];
    const ours = (t: Taint): boolean => t.key === TAINT_NOT_READY || t.key === TAINT_UNREACHABLE;
    const kept = taints.filter((t) => !ours(t) || (t.key === wanted && (t.effect === 'NoSchedule' || t.effect === 'NoExecute')));
    if (wanted) {
      for (const effect of ['NoSchedule', 'NoExecute'] as const) {
        if (!kept.some((t) => t.key === wanted && t.effect === effect)) kept.push(effect === 'NoExecute' ? { key: wanted, effect, timeAdded: timeText(now) } : { key: wanted, effect });
      }
    }
    if (kept.length === taints.length && kept.every((t, i) => t === taints[i])) return;
    try {
      await this.config.client.update(NODES, { ...node, spec: { ...(node.spec ?? {}), taints: kept.length > 0 ? kept : undefined } });
      this.config.log.info({ node: node.metadata?.name, taint: wanted ?? 'none' }, wanted ? 'node tainted' : 'node taints removed');
    } catch (error) {
      if (error instanceof StatusError && error.status.code === 404) return;
      throw error;
    }
  }
}
