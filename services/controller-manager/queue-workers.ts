// The worker loop every controller runs (client-go's processNextWorkItem): `workers` loops take a
// key from the rate-limited queue, sync it, forget it on success and put it back with backoff on
// failure — up to maxRetries times, after which the key waits for its next event. The queue's
// dirty and processing sets keep one key on one worker at a time.
import type { Registry } from 'prom-client';
import { StatusError } from '../../lib/api/status.js';
import type { Clock } from '../../lib/client/clock.js';
import { RateLimitingQueue } from '../../lib/client/workqueue/rate-limiting-queue.js';
import type { Logger } from '../../lib/observe/logger.js';

/** A sync that must wait for the informer cache to show this controller's own writes: retried soon, quietly. */
export class CacheBehindError extends Error {}

/** client-go controllers drop a key after this many retries (replicaset's maxRetries). */
export const MAX_RETRIES = 15;

export interface QueueWorkersConfig {
  /** The queue's name in workqueue_* metrics (kube-controller-manager's: "replicaset", "deployment", ...). */
  name: string;
  workers: number;
  sync(key: string): Promise<void>;
  clock: Clock;
  metrics: Registry;
  log: Logger;
  maxRetries?: number;
}

export class QueueWorkers {
  readonly queue: RateLimitingQueue<string>;
  private readonly loops: Promise<void>[] = [];

  constructor(private readonly config: QueueWorkersConfig) {
    if (!(Number.isInteger(config.workers) && config.workers >= 1)) throw new Error(`${config.name}: workers must be a positive integer, got ${config.workers}`);
    this.queue = new RateLimitingQueue<string>({ name: config.name, clock: config.clock, metrics: config.metrics });
  }

  run(): void {
    for (let i = 0; i < this.config.workers; i++) this.loops.push(this.loop());
  }

  async stop(): Promise<void> {
    await this.queue.shutDownWithDrain();
    await Promise.all(this.loops);
  }

  private async loop(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      try {
        await this.config.sync(key);
        this.queue.forget(key);
      } catch (error) {
        const retries = this.queue.numRequeues(key);
        if (retries < (this.config.maxRetries ?? MAX_RETRIES)) {
          // A conflict or a cache behind this process's writes is routine: retried soon.
          const level = (error instanceof StatusError && error.status.code === 409) || error instanceof CacheBehindError ? 'debug' : 'info';
          this.config.log[level]({ queue: this.config.name, key, err: (error as Error)?.message, retries }, 'sync failed; retrying');
          this.queue.addRateLimited(key);
        } else {
          this.config.log.warn({ queue: this.config.name, key, err: (error as Error)?.message }, 'sync failed; dropping the key until its next change');
          this.queue.forget(key);
        }
      } finally {
        this.queue.done(key);
      }
    }
  }
}

/** A controller whose work is one QueueWorkers: running it runs the workers, stopping it drains them. */
export abstract class QueueController {
  protected abstract readonly workers: QueueWorkers;

  run(): void {
    this.workers.run();
  }

  stop(): Promise<void> {
    return this.workers.stop();
  }
}

/** A controller's queue and its workers, on the controller's clock, metrics and log; `workers` defaults to its --concurrent-*-syncs. */
export function controllerQueue(
  context: Pick<QueueWorkersConfig, 'workers' | 'clock' | 'metrics' | 'log'>,
  name: string,
  sync: (key: string) => Promise<void>,
  workers = context.workers,
): QueueWorkers {
  return new QueueWorkers({ name, workers, sync, clock: context.clock, metrics: context.metrics, log: context.log });
}
