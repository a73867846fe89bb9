// core/v1 Events about objects, written as client-go's event recorder writes them (reason,
// message, source component, first/last timestamps, count 1). Best effort: events wait in a
// bounded queue written by one writer of its own, as client-go's broadcaster writes to its sink,
// so they never hold up the work they describe nor take the apiserver's attention from it in a
// burst; when the queue is full a new event is dropped and counted in the component's
// `<prefix>_events_dropped_total`.
import type { Event } from 'kubernetes-types/core/v1.js';
import { Counter, type Registry } from 'prom-client';
import { findResource } from '../api/resources.js';
import type { Logger } from '../observe/logger.js';
import type { Clock } from './clock.js';
import type { RestClient } from './rest-client.js';

const EVENTS = findResource('', 'v1', 'events')!;
/** client-go's event broadcaster queues this many events before dropping. */
export const MAX_QUEUED_EVENTS = 1000;
/** client-go's broadcaster has one goroutine writing to the sink. */
const WRITERS = 1;

export interface EventRecorderConfig {
  client: RestClient;
  clock: Clock;
  /** reportingInstance: this process's identity. */
  identity: string;
  metrics: Registry;
  /** The dropped-events counter is `<metricPrefix>_events_dropped_total`. */
  metricPrefix: string;
  log: Logger;
  maxQueued?: number;
}

/** What an event is about. */
export interface EventSubject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; uid?: string; resourceVersion?: string };
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
      name: `${config.metricPrefix}_events_dropped_total`,
      help: 'Events not written: queue_full (more than the queue holds were waiting) or write_failed.',
      labelNames: ['reason'],
      registers: [config.metrics],
    });
  }

  /** Resolves once every queued event was written (or given up). */
  flushed(): Promise<void> {
    if (this.queue.length === 0 && this.writing === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Queues an event about `subject` from `component` (e.g. "deployment-controller"). */
  record(subject: EventSubject, component: string, type: 'Normal' | 'Warning', reason: string, action: string, message: string): void {
    if (this.queue.length >= this.maxQueued) {
      this.dropped.inc({ reason: 'queue_full' });
      return;
    }
    const now = this.config.clock.now();
    const iso = new Date(now).toISOString();
    const time = `${iso.slice(0, 19)}Z`;
    const micro = `${iso.slice(0, 23)}000Z`;
    const namespace = subject.metadata?.namespace || 'default';
    // Unique per process and increasing, like client-go's hex UnixNano suffix.
    const suffix = `${Math.floor(now).toString(16)}${(this.sequence++ & 0xfffff).toString(16).padStart(5, '0')}`;
    const { name, uid, resourceVersion } = subject.metadata ?? {};
    this.queue.push({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${name ?? 'object'}.${suffix}`, namespace },
      involvedObject: { apiVersion: subject.apiVersion, kind: subject.kind, namespace: subject.metadata?.namespace, name, uid, resourceVersion },
      reason,
      message: message.length > 1024 ? `${message.slice(0, 1021)}...` : message,
      type,
      action,
      source: { component },
      reportingComponent: component,
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
