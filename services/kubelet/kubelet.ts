// The kubelet's core for the nodes one process hosts (one real node, or many simulated ones):
// registration, then the Lease and node status tickers, ONE pod informer for all hosted nodes
// (field selector spec.nodeName=<node> for one, spec.nodeName!= for many, dispatched by
// spec.nodeName), the pod workers and the PLEG. Start order follows the kubelet's: register, sync
// the informer, relist the runtimes and adopt what still runs, then work.
import type { NodeStatus, Pod } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../lib/api/object.js';
import { findResource } from '../../lib/api/resources.js';
import type { WatchBus } from '../../lib/bus/bus.js';
import type { Clock } from '../../lib/client/clock.js';
import type { EventRecorder } from '../../lib/client/event-recorder.js';
import { Informer } from '../../lib/client/informer.js';
import type { RequestPool } from '../../lib/client/request-pool.js';
import type { RestClient } from '../../lib/client/rest-client.js';
import type { Logger } from '../../lib/observe/logger.js';
import type { HostedNode } from './hosted-node.js';
import type { KubeletMetrics } from './metrics.js';
import { LeaseRenewer } from './node/lease-renewer.js';
import { nodeStatus, type NodeIdentity } from './node/node-object.js';
import { registerNodes } from './node/node-registrar.js';
import { NodeStatusReporter } from './node/status-reporter.js';
import { Pleg } from './pleg.js';
import { PodWorkers } from './pods/pod-workers.js';
import { ProbeManager } from './probes/probe-manager.js';
import { StatusWriter } from './pods/status-writer.js';
import type { PodRuntime } from './runtime/pod-runtime.js';

const PODS = findResource('', 'v1', 'pods')!;

export interface KubeletConfig {
  client: RestClient;
  bus: WatchBus;
  pool: RequestPool;
  clock: Clock;
  log: Logger;
  metrics: KubeletMetrics;
  /** The nodes to host, each with its runtime. */
  nodes: { identity: NodeIdentity; runtime: PodRuntime }[];
  clusterCidr: string;
  nodeCidrMaskSize: number;
  /** The pod CIDR a node without one is registered with (one node whose network uses it), instead of the first free one. */
  podCidr?: string;
  leaseDurationSeconds: number;
  statusUpdatePeriodMs: number;
  statusReportPeriodMs: number;
  plegRelistPeriodMs: number;
  podWorkers: number;
  /** Run the pods' liveness, readiness and startup probes (real nodes; simulated ones need not). */
  probes?: boolean;
  /** Where the kubelet's events about pods go (probe failures, kills). */
  events?: EventRecorder;
}

export class Kubelet {
  readonly nodes = new Map<string, HostedNode>();
  private readonly informer: Informer<KubeObject>;
  private readonly workers: PodWorkers;
  private readonly probes: ProbeManager | undefined;
  private readonly leases: LeaseRenewer;
  private reporter: NodeStatusReporter | undefined;
  private pleg: Pleg | undefined;
  private ready = false;
  /** Orphans being removed (a relist during the removal must not start another). */
  private readonly removing = new Set<string>();

  constructor(private readonly config: KubeletConfig) {
    const names = config.nodes.map((n) => n.identity.name);
    if (new Set(names).size !== names.length) throw new Error('two hosted nodes have the same name');
    const fieldSelector = names.length === 1 ? `spec.nodeName=${names[0]}` : 'spec.nodeName!=';
    this.informer = new Informer({ client: config.client, bus: config.bus, resource: PODS, fieldSelector, clock: config.clock, log: config.log, pageSize: 5000 });
    this.probes = config.probes ? new ProbeManager({ clock: config.clock, metrics: config.metrics, ...(config.events ? { events: config.events } : {}), onChange: (uid) => this.workers.enqueue(uid) }) : undefined;
    this.workers = new PodWorkers({ nodes: this.nodes, statusWriter: new StatusWriter(config.client, config.pool), clock: config.clock, log: config.log, metrics: config.metrics, workers: config.podWorkers, ...(this.probes ? { probes: this.probes } : {}), ...(config.events ? { events: config.events } : {}) });
    this.leases = new LeaseRenewer({
      client: config.client,
      pool: config.pool,
      clock: config.clock,
      log: config.log,
      leaseDurationSeconds: config.leaseDurationSeconds,
      onRenew: (_node, ok) => config.metrics.leaseRenewals.inc({ result: ok ? 'ok' : 'error' }),
    });
  }

  /** True once every node is registered and the pods of the runtimes were adopted. */
  isReady(): boolean {
    return this.ready;
  }

  async start(): Promise<void> {
    const { config } = this;
    // 1. register every node (with a pod CIDR and its first status) and tell each runtime its CIDR
    const versions = new Map(await Promise.all(config.nodes.map(async ({ identity, runtime }) => [identity.name, await runtime.version()] as const)));
    const health = new Map(await Promise.all(config.nodes.map(async ({ identity, runtime }) => [identity.name, await runtime.health().catch((error: unknown) => ({ ready: false, message: (error as Error).message }))] as const)));
    const firstStatus = (identity: NodeIdentity): NodeStatus => {
      const h = health.get(identity.name)!;
      return nodeStatus(identity, { runtimeReady: h.ready, runtimeMessage: h.message }, versions.get(identity.name)!, [], undefined, config.clock.now());
    };
    const registered = await registerNodes({ client: config.client, pool: config.pool, clusterCidr: config.clusterCidr, nodeCidrMaskSize: config.nodeCidrMaskSize, podCidr: config.podCidr }, config.nodes.map((n) => n.identity), firstStatus);
    await Promise.all(
      config.nodes.map(async ({ identity, runtime }) => {
        const node = registered.get(identity.name)!;
        const cidrs = node.spec?.podCIDRs ?? (node.spec?.podCIDR ? [node.spec.podCIDR] : []);
        await runtime.setPodCIDRs(cidrs);
        this.nodes.set(identity.name, { identity, runtime, runtimeVersion: versions.get(identity.name)!, node, admitted: new Set() });
        config.metrics.nodeName.set({ node: identity.name }, 1);
      }),
    );
    // 2. status and heartbeats
    this.reporter = new NodeStatusReporter({ nodes: this.nodes, client: config.client, pool: config.pool, clock: config.clock, log: config.log, updatePeriodMs: config.statusUpdatePeriodMs, reportPeriodMs: config.statusReportPeriodMs });
    await this.reporter.start();
    await this.leases.add(new Map([...this.nodes.values()].map((h) => [h.identity.name, h.node.metadata?.uid ?? ''])));
    config.log.info({ nodes: this.nodes.size }, 'nodes registered');
    // 3. the pods bound to them, and what the runtimes still run
    this.informer.addEventHandler({
      onAdd: (pod) => this.workers.upsert(pod as Pod),
      onUpdate: (_before, after) => this.workers.upsert(after as Pod),
      onDelete: (pod) => this.workers.remove(pod as Pod),
    });
    this.informer.start();
    if (!(await this.informer.waitForSync(120_000))) config.log.warn({}, 'pod informer not synced after 120s; starting anyway');
    this.pleg = new Pleg({
      nodes: this.nodes,
      clock: config.clock,
      log: config.log,
      metrics: config.metrics,
      relistPeriodMs: config.plegRelistPeriodMs,
      onChange: (uid) => this.workers.enqueue(uid),
      onOrphan: (hosted, o) => void this.removeOrphan(hosted, o.uid, o.name, o.namespace),
      known: (uid) => this.workers.knows(uid),
    });
    const adopted = await this.pleg.relist();
    for (const [node, observations] of adopted) this.workers.adopt(node, observations);
    // 4. work
    this.workers.start();
    this.pleg.start();
    this.ready = true;
  }

  async stop(): Promise<void> {
    this.ready = false;
    this.pleg?.stop();
    this.leases.stop();
    this.reporter?.stop();
    await this.informer.stop();
    this.probes?.stop();
    await this.workers.stop();
    for (const hosted of this.nodes.values()) await hosted.runtime.close();
  }

  private async removeOrphan(hosted: HostedNode, uid: string, name: string, namespace: string): Promise<void> {
    if (this.removing.has(uid)) return;
    this.removing.add(uid);
    try {
      await hosted.runtime.killPod({ uid, name, namespace }, 0);
      await hosted.runtime.removePod(uid);
      this.config.log.info({ pod: `${namespace}/${name}`, node: hosted.identity.name }, 'removed a pod no longer bound to the node');
    } catch (error) {
      this.config.log.warn({ pod: `${namespace}/${name}`, node: hosted.identity.name, err: (error as Error).message }, 'could not remove an orphaned pod');
    } finally {
      this.removing.delete(uid);
    }
  }
}
