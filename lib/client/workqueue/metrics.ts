// The workqueue metrics under client-go's names, labelled by queue name: depth, adds, time spent
// queued and worked on, retries, and the age of work still in progress.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Clock } from '../clock.js';

/** What a queue reports; called by the queue as items move through it. */
export interface QueueMetrics<T> {
  add(item: T): void;
  get(item: T): void;
  done(item: T): void;
  retry(): void;
}

export const NO_METRICS: QueueMetrics<unknown> = { add: () => undefined, get: () => undefined, done: () => undefined, retry: () => undefined };

/** client-go: prometheus.ExponentialBuckets(10e-9, 10, 10) — 10 ns to 10 s. */
const DURATION_BUCKETS = Array.from({ length: 10 }, (_, i) => 10e-9 * 10 ** i);

interface Family {
  depth: Gauge;
  adds: Counter;
  latency: Histogram;
  workDuration: Histogram;
  retries: Counter;
  unfinished: Gauge;
  longest: Gauge;
  queues: Set<QueueState<unknown>>;
}

interface QueueState<T> {
  name: string;
  clock: Clock;
  addTimes: Map<T, number>;
  processingStart: Map<T, number>;
}

const families = new WeakMap<Registry, Family>();

function family(registry: Registry): Family {
  let existing = families.get(registry);
  if (existing) return existing;
  const registers = [registry];
  const labelNames = ['name'] as const;
  const queues = new Set<QueueState<unknown>>();
  const ages = (state: QueueState<unknown>): number[] => {
    const now = state.clock.now();
    return [...state.processingStart.values()].map((start) => (now - start) / 1000);
  };
  existing = {
    queues,
    depth: new Gauge({ name: 'workqueue_depth', help: 'Current depth of workqueue', labelNames, registers }),
    adds: new Counter({ name: 'workqueue_adds_total', help: 'Total number of adds handled by workqueue', labelNames, registers }),
    latency: new Histogram({ name: 'workqueue_queue_duration_seconds', help: 'How long in seconds an item stays in workqueue before being requested.', labelNames, buckets: DURATION_BUCKETS, registers }),
    workDuration: new Histogram({ name: 'workqueue_work_duration_seconds', help: 'How long in seconds processing an item from workqueue takes.', labelNames, buckets: DURATION_BUCKETS, registers }),
    retries: new Counter({ name: 'workqueue_retries_total', help: 'Total number of retries handled by workqueue', labelNames, registers }),
    unfinished: new Gauge({
      name: 'workqueue_unfinished_work_seconds',
      help: 'How many seconds of work has done that is in progress and hasn\'t been observed by work_duration. Large values indicate stuck threads. One can deduce the number of stuck threads by observing the rate at which this increases.',
      labelNames,
      registers,
      collect() {
        for (const state of queues) this.set({ name: state.name }, ages(state).reduce((a, b) => a + b, 0));
      },
    }),
    longest: new Gauge({
      name: 'workqueue_longest_running_processor_seconds',
      help: 'How many seconds has the longest running processor for workqueue been running.',
      labelNames,
      registers,
      collect() {
        for (const state of queues) this.set({ name: state.name }, Math.max(0, ...ages(state)));
      },
    }),
  };
  families.set(registry, existing);
  return existing;
}

/** Metrics for the queue `name`, registered in `registry` (shared by every queue of that registry). */
export function queueMetrics<T>(registry: Registry, name: string, clock: Clock): QueueMetrics<T> & { release(): void } {
  const f = family(registry);
  const state: QueueState<T> = { name, clock, addTimes: new Map(), processingStart: new Map() };
  f.queues.add(state as QueueState<unknown>);
  const labels = { name };
  // Every series of a queue exists from its creation, as client-go's do (a queue that never
  // retried shows workqueue_retries_total 0, not nothing).
  f.depth.set(labels, 0);
  f.adds.inc(labels, 0);
  f.retries.inc(labels, 0);
  return {
    add(item) {
      f.adds.inc(labels);
      f.depth.inc(labels);
      if (!state.addTimes.has(item)) state.addTimes.set(item, clock.now());
    },
    get(item) {
      f.depth.dec(labels);
      const added = state.addTimes.get(item);
      state.processingStart.set(item, clock.now());
      if (added !== undefined) {
        f.latency.observe(labels, (clock.now() - added) / 1000);
        state.addTimes.delete(item);
      }
    },
    done(item) {
      const started = state.processingStart.get(item);
      if (started === undefined) return;
      f.workDuration.observe(labels, (clock.now() - started) / 1000);
      state.processingStart.delete(item);
    },
    retry() {
      f.retries.inc(labels);
    },
    release() {
      f.queues.delete(state as QueueState<unknown>);
    },
  };
}
