// client-go's workqueue: a FIFO of keys with a dirty set and a processing set, so a key added
// many times is queued once, and a key added while a worker holds it is queued again only when
// that worker calls done() — one key is never worked on twice at once.
//
// Contract: a worker calls get(), works on the key, then always calls done(key). Any code may
// call add(). After shutDown(), get() returns undefined once the queue is empty.
import type { Registry } from 'prom-client';
import { realClock, type Clock } from '../clock.js';
import { NO_METRICS, queueMetrics, type QueueMetrics } from './metrics.js';

export interface QueueConfig {
  /** Names the queue in metrics (`name` label). */
  name?: string;
  clock?: Clock;
  /** Where the workqueue_* metrics go; none when absent. */
  metrics?: Registry;
}

export class WorkQueue<T = string> {
  protected readonly clock: Clock;
  protected readonly metrics: QueueMetrics<T> & { release?(): void };
  private items: T[] = [];
  private head = 0;
  private readonly dirty = new Set<T>();
  private readonly processing = new Set<T>();
  private waiters: ((item: T | undefined) => void)[] = [];
  private drainWaiters: (() => void)[] = [];
  private shuttingDown = false;

  constructor(config: QueueConfig = {}) {
    this.clock = config.clock ?? realClock;
    this.metrics = config.metrics ? queueMetrics<T>(config.metrics, config.name ?? 'unnamed', this.clock) : (NO_METRICS as QueueMetrics<T>);
  }

  /** Marks `item` as needing work. */
  add(item: T): void {
    if (this.shuttingDown || this.dirty.has(item)) return;
    this.metrics.add(item);
    this.dirty.add(item);
    if (this.processing.has(item)) return;
    this.push(item);
  }

  /** Keys waiting (not those being worked on). */
  len(): number {
    return this.items.length - this.head;
  }

  /** The next key to work on; undefined once shut down and empty. */
  get(): Promise<T | undefined> {
    if (this.len() > 0) return Promise.resolve(this.take());
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Ends work on `item`; if it was added meanwhile it goes back in the queue. */
  done(item: T): void {
    this.metrics.done(item);
    this.processing.delete(item);
    if (this.dirty.has(item)) this.push(item);
    else if (this.processing.size === 0) for (const wake of this.drainWaiters.splice(0)) wake();
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Stops accepting keys; waiting get() calls return undefined. */
  shutDown(): void {
    this.shuttingDown = true;
    this.metrics.release?.();
    for (const wake of this.waiters.splice(0)) wake(undefined);
  }

  /** Shuts down, then resolves once every key being worked on is done. */
  async shutDownWithDrain(): Promise<void> {
    this.shutDown();
    if (this.processing.size === 0) return;
    await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
  }

  private push(item: T): void {
    const waiter = this.waiters.shift();
    if (waiter) {
      this.items.push(item);
      waiter(this.take());
      return;
    }
    this.items.push(item);
  }

  private take(): T {
    const item = this.items[this.head++] as T;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    this.metrics.get(item);
    this.processing.add(item);
    this.dirty.delete(item);
    return item;
  }
}
