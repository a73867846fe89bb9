// kube-scheduler's SchedulingQueue. A pending pod is in exactly one place:
// - activeQ: a heap in the profile's QueueSort order (PrioritySort: priority, then arrival); pop
//   waits here until a pod is available;
// - backoffQ: failed pods waiting out their backoff (initial doubling to max, per attempt),
//   flushed to activeQ every second;
// - unschedulablePods: pods no node fits. A cluster event one of the rejecting plugins registered
//   for moves them back (to backoffQ while still backing off); after
//   podMaxInUnschedulablePodsDuration they move regardless. Gated pods (a PreEnqueue plugin
//   said no, e.g. spec.schedulingGates) wait here too until an update lets them in.
// A popped pod is "in flight" until `done`: events that arrive meanwhile are recorded, so a pod
// that then turns out unschedulable goes to backoffQ instead of missing the event that could
// have helped it. All times come from the clock passed in.
import { Gauge, type Registry } from 'prom-client';
import type { Clock, Timer } from '../../client/clock.js';
import type { Logger } from '../../observe/logger.js';
import { DEFAULT_PLUGIN_EVENTS, eventMayHelp, UNSCHEDULABLE_TIMEOUT, type ClusterEvent, type EventRegistration } from './cluster-events.js';
import { KeyedHeap } from './heap.js';
import { Nominator } from './nominator.js';
import { prioritySort, schedulingGatesCheck, type PreEnqueueCheck, type QueueablePod, type QueuedPodInfo } from './queued-pod.js';

export interface SchedulingQueueConfig<P extends QueueablePod> {
  clock: Clock;
  /** The QueueSort of the profiles (all profiles share one); default PrioritySort. */
  less?: (a: QueuedPodInfo<P>, b: QueuedPodInfo<P>) => boolean;
  /** Default: SchedulingGates. */
  preEnqueue?: readonly PreEnqueueCheck<P>[];
  podInitialBackoffMs?: number;
  podMaxBackoffMs?: number;
  podMaxInUnschedulablePodsDurationMs?: number;
  /** Which events each plugin registers for; default the in-tree plugins' registrations. */
  pluginEvents?: Readonly<Record<string, readonly EventRegistration[]>>;
  /** Shared with the frameworks (preemption reads it); default a new one. */
  nominator?: Nominator<P>;
  /** Registers scheduler_pending_pods{queue} here. */
  metrics?: Registry;
  log?: Logger;
}

export type QueueName = 'active' | 'backoff' | 'unschedulable' | 'gated';

/** Why the last attempt failed, as the scheduling loop reports it. */
export interface AttemptFailure {
  /** Plugins that rejected the pod (empty: not explained by a plugin). */
  unschedulablePlugins: ReadonlySet<string>;
  /** An error (bind failure, API error) rather than a verdict: always backoffQ. */
  error?: boolean;
}

const BACKOFF_FLUSH_MS = 1000;
const UNSCHEDULABLE_FLUSH_MS = 30_000;
/** More in-flight events than this for one pod: treat as "anything may have changed". */
const MAX_IN_FLIGHT_EVENTS = 64;

export class SchedulingQueue<P extends QueueablePod = QueueablePod> {
  readonly nominator: Nominator<P>;
  private readonly clock: Clock;
  private readonly activeQ: KeyedHeap<QueuedPodInfo<P>>;
  private readonly backoffQ: KeyedHeap<QueuedPodInfo<P>>;
  private readonly unschedulable = new Map<string, QueuedPodInfo<P>>();
  /** Popped and not yet done: the events seen since (undefined entry: overflowed). */
  private readonly inFlight = new Map<string, ClusterEvent[] | undefined>();
  private readonly preEnqueue: readonly PreEnqueueCheck<P>[];
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxUnschedulableMs: number;
  private readonly pluginEvents: Readonly<Record<string, readonly EventRegistration[]>>;
  private waiters: ((pod: QueuedPodInfo<P> | undefined) => void)[] = [];
  private timers: Timer[] = [];
  private closed = false;
  private gatedCount = 0;

  constructor(private readonly config: SchedulingQueueConfig<P>) {
    this.clock = config.clock;
    this.nominator = config.nominator ?? new Nominator<P>();
    this.initialBackoffMs = config.podInitialBackoffMs ?? 1000;
    this.maxBackoffMs = config.podMaxBackoffMs ?? 10_000;
    this.maxUnschedulableMs = config.podMaxInUnschedulablePodsDurationMs ?? 300_000;
    if (!(this.initialBackoffMs > 0) || !(this.maxBackoffMs >= this.initialBackoffMs)) {
      throw new Error(`backoff must satisfy 0 < podInitialBackoff (${this.initialBackoffMs} ms) <= podMaxBackoff (${this.maxBackoffMs} ms)`);
    }
    this.preEnqueue = config.preEnqueue ?? [schedulingGatesCheck as PreEnqueueCheck<P>];
    this.pluginEvents = config.pluginEvents ?? DEFAULT_PLUGIN_EVENTS;
    const keyOf = (q: QueuedPodInfo<P>): string => q.podInfo.key;
    this.activeQ = new KeyedHeap(keyOf, config.less ?? prioritySort);
    this.backoffQ = new KeyedHeap(keyOf, (a, b) => this.backoffExpiry(a) < this.backoffExpiry(b));
    if (config.metrics) this.registerMetrics(config.metrics);
  }

  /** Starts the periodic flushes of backoffQ (every second) and of long-unschedulable pods (every 30 s). */
  run(): void {
    if (this.closed || this.timers.length > 0) return;
    const every = (ms: number, fn: () => void): void => {
      const tick = (): void => {
        if (this.closed) return;
        fn();
        this.timers.push(this.clock.setTimer(tick, ms));
      };
      this.timers.push(this.clock.setTimer(tick, ms));
    };
    every(BACKOFF_FLUSH_MS, () => this.flushBackoffCompleted());
    every(UNSCHEDULABLE_FLUSH_MS, () => this.flushUnschedulableLeftover());
  }

  /** Stops the flushes and wakes every pop with undefined. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers.splice(0)) timer.cancel();
    for (const wake of this.waiters.splice(0)) wake(undefined);
  }

  /** A new pending pod (or a known one: treated as an update). */
  add(podInfo: P): void {
    if (this.where(podInfo.key) !== undefined) return this.update(podInfo);
    const queued: QueuedPodInfo<P> = { podInfo, timestamp: this.clock.now(), attempts: 0, unschedulablePlugins: new Set() };
    this.nominator.addNominatedPod(podInfo);
    this.enqueueIfAllowed(queued);
  }

  /**
   * The pod changed. In activeQ or backoffQ it is updated in place; a gated pod is checked again;
   * an unschedulable pod whose spec or labels changed may fit now and moves to activeQ/backoffQ.
   */
  update(podInfo: P): void {
    const key = podInfo.key;
    this.nominator.update(podInfo);
    const active = this.activeQ.get(key);
    if (active) return this.activeQ.addOrUpdate({ ...active, podInfo });
    const backingOff = this.backoffQ.get(key);
    if (backingOff) return this.backoffQ.addOrUpdate({ ...backingOff, podInfo });
    const waiting = this.unschedulable.get(key);
    if (!waiting) {
      if (!this.inFlight.has(key)) this.add(podInfo);
      return;
    }
    const before = waiting.podInfo.pod;
    const updated: QueuedPodInfo<P> = { ...waiting, podInfo };
    if (waiting.gatingPlugin !== undefined) {
      this.removeUnschedulable(key);
      return this.enqueueIfAllowed(updated);
    }
    const changed = JSON.stringify(before.spec) !== JSON.stringify(podInfo.pod.spec) || JSON.stringify(before.metadata?.labels) !== JSON.stringify(podInfo.pod.metadata?.labels);
    if (!changed) {
      this.unschedulable.set(key, updated);
      return;
    }
    this.removeUnschedulable(key);
    this.requeue(updated);
  }

  /** The pod is gone (deleted, or bound by someone else). */
  delete(key: string): void {
    this.nominator.delete(key);
    this.activeQ.delete(key);
    this.backoffQ.delete(key);
    this.removeUnschedulable(key);
  }

  /**
   * The next pod to schedule, in QueueSort order; waits while activeQ is empty. Resolves
   * undefined once the queue is closed. The pod is in flight until `done(key)`.
   */
  pop(): Promise<QueuedPodInfo<P> | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    const next = this.takeActive();
    if (next) return Promise.resolve(next);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** The pod popped earlier is no longer being scheduled (placed, or handed back). */
  done(key: string): void {
    this.inFlight.delete(key);
  }

  /**
   * Hands back a pod whose attempt failed. Unless it is queued already (an update re-added it):
   * an error, or an event during its attempt that one of its rejecting plugins cares about,
   * sends it to backoffQ; otherwise it waits in unschedulablePods.
   */
  addUnschedulableIfNotPresent(queued: QueuedPodInfo<P>, failure: AttemptFailure): void {
    const key = queued.podInfo.key;
    const events = this.inFlight.get(key);
    const overflowed = this.inFlight.has(key) && events === undefined;
    this.inFlight.delete(key);
    if (this.where(key) !== undefined) return;
    const next: QueuedPodInfo<P> = { ...queued, timestamp: this.clock.now(), unschedulablePlugins: new Set(failure.unschedulablePlugins) };
    delete next.gatingPlugin;
    const missedHelp = overflowed || (events ?? []).some((event) => eventMayHelp(event, next.unschedulablePlugins, this.pluginEvents));
    if (failure.error || missedHelp) {
      this.backoffQ.addOrUpdate(next);
      return;
    }
    this.unschedulable.set(key, next);
  }

  /**
   * A cluster event: pods in unschedulablePods that one of their rejecting plugins says the
   * event may help move to activeQ (or backoffQ while backing off). Pods in flight remember it.
   */
  onEvent(event: ClusterEvent): void {
    for (const [key, events] of this.inFlight) {
      if (events === undefined) continue;
      if (events.length >= MAX_IN_FLIGHT_EVENTS) this.inFlight.set(key, undefined);
      else events.push(event);
    }
    if (this.unschedulable.size === this.gatedCount) return;
    const moving: QueuedPodInfo<P>[] = [];
    for (const queued of this.unschedulable.values()) {
      if (queued.gatingPlugin !== undefined) continue;
      if (eventMayHelp(event, queued.unschedulablePlugins, this.pluginEvents)) moving.push(queued);
    }
    for (const queued of moving) {
      this.removeUnschedulable(queued.podInfo.key);
      this.requeue(queued);
    }
    if (moving.length > 0) this.config.log?.debug({ event: event.label, pods: moving.length }, 'moved unschedulable pods');
  }

  /** Moves these pods to activeQ now, whatever queue they wait in (kube-scheduler's Activate). */
  activate(keys: Iterable<string>): void {
    for (const key of keys) {
      const queued = this.backoffQ.get(key) ?? this.unschedulable.get(key);
      if (!queued || queued.gatingPlugin !== undefined) continue;
      this.backoffQ.delete(key);
      this.removeUnschedulable(key);
      this.pushActive(queued);
    }
  }

  /** Which queue holds the pod (undefined: not queued, perhaps in flight). */
  where(key: string): QueueName | undefined {
    if (this.activeQ.has(key)) return 'active';
    if (this.backoffQ.has(key)) return 'backoff';
    const waiting = this.unschedulable.get(key);
    if (waiting) return waiting.gatingPlugin !== undefined ? 'gated' : 'unschedulable';
    return undefined;
  }

  get(key: string): QueuedPodInfo<P> | undefined {
    return this.activeQ.get(key) ?? this.backoffQ.get(key) ?? this.unschedulable.get(key);
  }

  /** Pending pods per queue, for scheduler_pending_pods. */
  counts(): Record<QueueName, number> {
    return {
      active: this.activeQ.size,
      backoff: this.backoffQ.size,
      unschedulable: this.unschedulable.size - this.gatedCount,
      gated: this.gatedCount,
    };
  }

  /** The backoff after `attempts` failed attempts: initial, doubled per attempt, capped. */
  backoffDuration(attempts: number): number {
    let duration = this.initialBackoffMs;
    for (let i = 1; i < attempts; i++) {
      duration *= 2;
      if (duration >= this.maxBackoffMs) return this.maxBackoffMs;
    }
    return duration;
  }

  private backoffExpiry(queued: QueuedPodInfo<P>): number {
    return queued.timestamp + this.backoffDuration(queued.attempts);
  }

  private backingOff(queued: QueuedPodInfo<P>): boolean {
    return queued.attempts > 0 && this.backoffExpiry(queued) > this.clock.now();
  }

  private enqueueIfAllowed(queued: QueuedPodInfo<P>): void {
    for (const plugin of this.preEnqueue) {
      const message = plugin.check(queued.podInfo);
      if (message === undefined) continue;
      this.unschedulable.set(queued.podInfo.key, { ...queued, gatingPlugin: plugin.name, gatingMessage: message });
      this.gatedCount++;
      return;
    }
    const { gatingPlugin: _p, gatingMessage: _m, ...allowed } = queued;
    this.pushActive(allowed);
  }

  private requeue(queued: QueuedPodInfo<P>): void {
    if (this.backingOff(queued)) this.backoffQ.addOrUpdate(queued);
    else this.pushActive(queued);
  }

  private removeUnschedulable(key: string): void {
    const waiting = this.unschedulable.get(key);
    if (!waiting) return;
    this.unschedulable.delete(key);
    if (waiting.gatingPlugin !== undefined) this.gatedCount--;
  }

  private pushActive(queued: QueuedPodInfo<P>): void {
    const waiter = this.waiters.shift();
    if (waiter && this.activeQ.size === 0) {
      waiter(this.startAttempt(queued));
      return;
    }
    if (waiter) this.waiters.unshift(waiter);
    this.activeQ.addOrUpdate(queued);
    this.wakeWaiters();
  }

  private wakeWaiters(): void {
    while (this.waiters.length > 0 && this.activeQ.size > 0) {
      const next = this.takeActive();
      this.waiters.shift()!(next);
    }
  }

  private takeActive(): QueuedPodInfo<P> | undefined {
    const queued = this.activeQ.pop();
    return queued ? this.startAttempt(queued) : undefined;
  }

  private startAttempt(queued: QueuedPodInfo<P>): QueuedPodInfo<P> {
    queued.attempts++;
    queued.initialAttemptTimestamp ??= this.clock.now();
    this.inFlight.set(queued.podInfo.key, []);
    return queued;
  }

  private flushBackoffCompleted(): void {
    const now = this.clock.now();
    for (let top = this.backoffQ.peek(); top && this.backoffExpiry(top) <= now; top = this.backoffQ.peek()) {
      this.backoffQ.pop();
      this.pushActive(top);
    }
  }

  private flushUnschedulableLeftover(): void {
    const now = this.clock.now();
    const stale = [...this.unschedulable.values()].filter((q) => q.gatingPlugin === undefined && now - q.timestamp >= this.maxUnschedulableMs);
    for (const queued of stale) {
      this.removeUnschedulable(queued.podInfo.key);
      this.requeue(queued);
    }
    if (stale.length > 0) this.config.log?.debug({ event: UNSCHEDULABLE_TIMEOUT.label, pods: stale.length }, 'moved unschedulable pods');
  }

  private registerMetrics(registry: Registry): void {
    const queue = this;
    new Gauge({
      name: 'scheduler_pending_pods',
      help: 'Pods waiting to be scheduled, by queue: active (activeQ), backoff (backoffQ), unschedulable (tried, no node fits) and gated (held back by a PreEnqueue plugin, never tried).',
      labelNames: ['queue'],
      registers: [registry],
      collect() {
        for (const [name, value] of Object.entries(queue.counts())) this.set({ queue: name }, value);
      },
    });
  }
}
