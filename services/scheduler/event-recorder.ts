// core/v1 Events about pods, worded as kube-scheduler words them: "Scheduled" (Normal,
// "Successfully assigned ns/name to node"), "FailedScheduling" (Warning, the fit error) and
// "Preempted" on victims. Best effort, as kube-scheduler's event broadcaster: events wait in a
// bounded queue written by a few writers of their own, so they never hold up a binding; when
// the queue is full a new event is dropped and counted in rudder_scheduler_events_dropped_total.
import type { Event, Pod } from 'kubernetes-types/core/v1.js';
import { Counter, type Registry } from 'prom-client';
import { findResource } from '../../lib/api/resources.js';
import type { Clock } from '../../lib/client/clock.js';
import type { RestClient } from '../../lib/client/rest-client.js';
import type { Logger } from '../../lib/observe/logger.js';

const EVENTS = findResource('', 'v1', 'events')!;
/** client-go's event broadcaster queues this many events before dropping. */
export const MAX_QUEUED_EVENTS = 1000;
const WRITERS = 4;

export interface EventRecorderConfig {
  client: RestClient;
  clock: Clock;
  /** reportingInstance: this scheduler's identity. */
  identity: string;
  metrics: Registry;
  log: Logger;
  maxQueued?: number;
}

export class EventRecorder {
  private sequence = 0;
  private readonly queue: Event[] = [];
  private writing = 0;
  private readonly maxQueued: number;
  private readonly dropped: Counter<'reason'>;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly config: EventRecorderConfig) {
    this.maxQueued = config.maxQueued ?? MAX_QUEUED_EVENTS;
    this.dropped = new Counter({
      name: 'rudder_scheduler_events_dropped_total',
      help: 'Events the scheduler did not write: queue_full (more than the queue holds were waiting) or write_failed.',
      labelNames: ['reason'],
      registers: [config.metrics],
    });
  }

  scheduled(pod: Pod, schedulerName: string, nodeName: string): void {
    const { namespace, name } = pod.metadata ?? {};
    this.record(pod, schedulerName, 'Normal', 'Scheduled', 'Binding', `Successfully assigned ${namespace}/${name} to ${nodeName}`);
  }

  failedScheduling(pod: Pod, schedulerName: string, message: string): void {
    this.record(pod, schedulerName, 'Warning', 'FailedScheduling', 'Scheduling', message);
  }

  /** On a victim of preemption ("Preempted by pod UID on node N", as the preemption plugin words it). */
  preempted(victim: Pod, message: string): void {
    this.record(victim, victim.spec?.schedulerName ?? 'default-scheduler', 'Normal', 'Preempted', 'Preempting', message);
  }

  /** Resolves once every queued event was written (or given up). */
  flushed(): Promise<void> {
    if (this.queue.length === 0 && this.writing === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private record(pod: Pod, schedulerName: string, type: 'Normal' | 'Warning', reason: string, action: string, message: string): void {
    if (this.queue.length >= this.maxQueued) {
      this.dropped.inc({ reason: 'queue_full' });
      return;
    }
    const now = this.config.clock.now();
    const iso = new Date(now).toISOString();
    const time = `${iso.slice(0, 19)}Z`;
    const micro = `${iso.slice(0, 23)}000Z`;
    const namespace = pod.metadata?.namespace ?? 'default';
    // Unique per scheduler and increasing, like client-go's hex UnixNano suffix.
    const suffix = `${Math.floor(now).toString(16)}${(this.sequence++ & 0xfffff).toString(16).padStart(5, '0')}`;
    this.queue.push({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${pod.metadata?.name ?? 'pod'}.${suffix}`, namespace },
      involvedObject: { apiVersion: 'v1', kind: 'Pod', namespace, name: pod.metadata?.name, uid: pod.metadata?.uid, resourceVersion: pod.metadata?.resourceVersion },
      reason,
      message: message.length > 1024 ? `${message.slice(0, 1021)}...` : message,
      type,
      action,
      source: { component: schedulerName },
      reportingComponent: schedulerName,
      reportingInstance: this.config.identity,
      firstTimestamp: time,
      lastTimestamp: time,
      eventTime: micro,
      count: 1,
    });
    if (this.writing < WRITERS) void this.write();
  }

  private async write(): Promise<void> {
    this.writing++;
    for (let event = this.queue.shift(); event; event = this.queue.shift()) {
      try {
        await this.config.client.create(EVENTS, event, { namespace: event.metadata?.namespace });
      } catch (error) {
        this.dropped.inc({ reason: 'write_failed' });
        this.config.log.debug({ event: event.metadata?.name, err: (error as Error)?.message }, 'event not written');
      }
    }
    this.writing--;
    if (this.writing === 0) for (const wake of this.idleWaiters.splice(0)) wake();
  }
}
