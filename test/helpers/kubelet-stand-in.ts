// Plays the kubelet's part for controller tests where no kubelet runs: every pod bound or not is
// marked Running with Ready=True through the status subresource (after `readyAfterMs`, or never
// for pods a test holds back), and a pod being deleted is removed with grace 0 once its
// deletionTimestamp is set — as a kubelet reports running containers and confirms their end.
import type { Pod } from 'kubernetes-types/core/v1.js';
import { findResource } from '../../lib/api/resources.js';
import { StatusError } from '../../lib/api/status.js';
import { HttpBus } from '../../lib/bus/http-bus.js';
import { Informer } from '../../lib/client/informer.js';
import type { RestClient } from '../../lib/client/rest-client.js';

const PODS = findResource('', 'v1', 'pods')!;

export interface KubeletStandInOptions {
  /** Delay before a new pod turns Ready (default 0). */
  readyAfterMs?: number;
  /** Pods (by name) that stay Pending. */
  holdBack?(pod: Pod): boolean;
  /** Leave terminating pods alone (default false: remove them at once). */
  keepTerminating?: boolean;
}

function ignoreGone(error: unknown): void {
  if (error instanceof StatusError && (error.status.code === 404 || error.status.code === 409)) return;
  throw error;
}

export class KubeletStandIn {
  private readonly informer: Informer;
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly client: RestClient,
    private readonly options: KubeletStandInOptions = {},
  ) {
    this.informer = new Informer({ client, bus: new HttpBus(client), resource: PODS });
    this.informer.addEventHandler({ onAdd: (pod) => this.seen(pod as Pod), onUpdate: (_b, pod) => this.seen(pod as Pod) });
  }

  start(): Promise<boolean> {
    this.informer.start();
    return this.informer.waitForSync(10_000);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    await this.informer.stop();
  }

  private later(fn: () => Promise<void>, ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.stopped) fn().catch(ignoreGone);
    }, ms);
    this.timers.add(timer);
  }

  private seen(pod: Pod): void {
    const { namespace, name } = pod.metadata ?? {};
    if (pod.metadata?.deletionTimestamp) {
      if (!this.options.keepTerminating) this.later(() => this.client.delete(PODS, { namespace, name: name ?? '' }, { gracePeriodSeconds: 0 }).then(() => undefined), 0);
      return;
    }
    if (pod.status?.phase === 'Running' || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed' || this.options.holdBack?.(pod)) return;
    this.later(() => this.markReady(pod), this.options.readyAfterMs ?? 0);
  }

  /** Running and Ready, as a kubelet reports a started pod. */
  async markReady(pod: Pod): Promise<void> {
    const { namespace, name } = pod.metadata ?? {};
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const conditions = ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: 'True', lastTransitionTime: now }));
    await this.client.patch(PODS, { namespace, name: name ?? '', subresource: 'status' }, { status: { phase: 'Running', podIP: `10.244.0.${1 + Math.floor(Math.random() * 250)}`, conditions, startTime: now } }, 'merge');
  }
}
