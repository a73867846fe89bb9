// The Pod Lifecycle Event Generator: relists every hosted node's runtime periodically and hands
// each pod whose observed state changed to the pod workers; a runtime's change notifications do
// the same between relists. Pods the runtime holds that no API pod claims (deleted while the
// kubelet was away) are handed over as orphans to be killed and removed. It also keeps
// kubelet_running_pods and kubelet_running_containers.
import type { Clock, Timer } from '../../lib/client/clock.js';
import type { Logger } from '../../lib/observe/logger.js';
import type { HostedNode } from './hosted-node.js';
import type { KubeletMetrics } from './metrics.js';
import type { PodObservation } from './runtime/pod-runtime.js';

export interface PlegConfig {
  nodes: ReadonlyMap<string, HostedNode>;
  clock: Clock;
  log: Logger;
  metrics: KubeletMetrics;
  relistPeriodMs: number;
  /** A pod's observed state changed. */
  onChange(uid: string): void;
  /** The runtime holds a pod no API pod on that node claims. */
  onOrphan(node: HostedNode, observation: PodObservation): void;
  /** Whether the pod workers know the pod. */
  known(uid: string): boolean;
}

function fingerprint(o: PodObservation): string {
  let text = `${o.sandbox?.id ?? ''}:${o.sandbox?.ready ?? ''}`;
  for (const c of o.containers) text += `|${c.name}:${c.id}:${c.state}:${c.ready ?? ''}`;
  return text;
}

export class Pleg {
  private readonly seen = new Map<string, string>();
  private timer: Timer | undefined;
  private lastRelist: number | undefined;
  private stopped = false;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(private readonly config: PlegConfig) {}

  /** Subscribes to the runtimes' notifications and starts relisting. */
  start(): void {
    for (const hosted of this.config.nodes.values()) this.unsubscribe.push(hosted.runtime.onChange((uid) => this.config.onChange(uid)));
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    for (const off of this.unsubscribe.splice(0)) off();
  }

  /** One relist of every node; returns each node's observations (for adoption at start). */
  async relist(): Promise<Map<string, PodObservation[]>> {
    const began = this.config.clock.now();
    if (this.lastRelist !== undefined) this.config.metrics.plegRelistInterval.observe((began - this.lastRelist) / 1000);
    this.lastRelist = began;
    const byNode = new Map<string, PodObservation[]>();
    const present = new Set<string>();
    let runningPods = 0;
    let running = 0;
    let exited = 0;
    let created = 0;
    for (const hosted of this.config.nodes.values()) {
      let observations: PodObservation[];
      try {
        observations = await hosted.runtime.relist();
      } catch (error) {
        this.config.log.warn({ node: hosted.identity.name, err: (error as Error).message }, 'runtime relist failed');
        continue;
      }
      byNode.set(hosted.identity.name, observations);
      for (const o of observations) {
        present.add(o.uid);
        if (o.sandbox?.ready) runningPods++;
        for (const c of o.containers) {
          if (c.state === 'running') running++;
          else if (c.state === 'exited') exited++;
          else if (c.state === 'created') created++;
        }
        const print = fingerprint(o);
        if (this.seen.get(o.uid) !== print) {
          this.seen.set(o.uid, print);
          if (this.config.known(o.uid)) this.config.onChange(o.uid);
        }
        if (!this.config.known(o.uid)) this.config.onOrphan(hosted, o);
      }
    }
    for (const uid of this.seen.keys()) if (!present.has(uid)) this.seen.delete(uid);
    this.config.metrics.runningPods.set(runningPods);
    this.config.metrics.runningContainers.set({ container_state: 'running' }, running);
    this.config.metrics.runningContainers.set({ container_state: 'exited' }, exited);
    this.config.metrics.runningContainers.set({ container_state: 'created' }, created);
    this.config.metrics.plegRelistDuration.observe((this.config.clock.now() - began) / 1000);
    return byNode;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.config.clock.setTimer(() => {
      void this.relist().finally(() => this.schedule());
    }, this.config.relistPeriodMs);
  }
}
