// core/v1 Events about objects, written as client-go's event recorder writes them (reason,
// message, source component, first/last timestamps, count 1). An event that repeats one already
// written (same object, type, reason, message and component) is not written again: as client-go's
// event logger does, the existing Event gets count + 1 and a new lastTimestamp (a merge patch), so
// a probe failing every second makes one Event counting up, not thousands. Best effort: events wait
// in a bounded queue written by one writer of its own, as client-go's broadcaster writes to its
// sink, so they never hold up the work they describe nor take the apiserver's attention from it in
// a burst; when the queue is full a new event is dropped and counted in the component's
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
/** client-go's event logger remembers this many distinct events for counting repeats. */
const REMEMBERED_EVENTS = 4096;

/** An Event written before, that a repeat counts up. */
interface Written {
  name: string;
  namespace: string;
  count: number;
  lastTimestamp: string;
  /** Its creation, which a count's patch waits for. */
  created?: Promise<unknown>;
  /** A patch with the latest count waits in the queue: further repeats only change what it writes. */
  patchQueued: boolean;
}

/** A new Event to create, or a repeat to count on the one written before. */
type Pending = { event: Event; written: Written } | { repeat: Written };

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
  private readonly queue: Pending[] = [];
  private readonly written = new Map<string, Written>();
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
    const key = JSON.stringify([subject.apiVersion, subject.kind, namespace, subject.metadata?.name, subject.metadata?.uid, type, reason, message, component]);
    const before = this.written.get(key);
    if (before) {
      before.count++;
      before.lastTimestamp = time;
      // most recently used last: the oldest is forgotten first
      this.written.delete(key);
      this.written.set(key, before);
      if (before.patchQueued) return;
      before.patchQueued = true;
      this.queue.push({ repeat: before });
      if (this.writing < WRITERS) void this.write();
      return;
    }
    // Unique per process and increasing, like client-go's hex UnixNano suffix.
    const suffix = `${Math.floor(now).toString(16)}${(this.sequence++ & 0xfffff).toString(16).padStart(5, '0')}`;
    const { name, uid, resourceVersion } = subject.metadata ?? {};
    const eventName = `${name ?? 'object'}.${suffix}`;
    const written: Written = { name: eventName, namespace, count: 1, lastTimestamp: time, patchQueued: false };
    this.written.set(key, written);
    if (this.written.size > REMEMBERED_EVENTS) this.written.delete(this.written.keys().next().value!);
    const event: Event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: eventName, namespace },
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
    };
    this.queue.push({ event, written });
    if (this.writing < WRITERS) void this.write();
  }

  private async write(): Promise<void> {
    this.writing++;
    for (let next = this.queue.shift(); next; next = this.queue.shift()) {
      const name = 'event' in next ? next.event.metadata?.name : next.repeat.name;
      try {
        if ('event' in next) {
          next.written.created = this.config.client.create(EVENTS, next.event, { namespace: next.event.metadata?.namespace });
          await next.written.created;
        } else {
          const repeat = next.repeat;
          await repeat.created?.catch(() => undefined);
          repeat.patchQueued = false;
          await this.config.client.patch(EVENTS, { namespace: repeat.namespace, name: repeat.name }, { count: repeat.count, lastTimestamp: repeat.lastTimestamp });
        }
      } catch (error) {
        this.dropped.inc({ reason: 'write_failed' });
        this.config.log.debug({ event: name, err: (error as Error)?.message }, 'event not written');
      }
    }
    this.writing--;
    if (this.writing === 0) for (const wake of this.idleWaiters.splice(0)) wake();
  }
}
