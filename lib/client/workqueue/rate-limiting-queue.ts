// The queue controllers use (client-go's RateLimitingInterface): a failed key goes back with
// addRateLimited() after its backoff, behind new work; forget() resets its backoff on success.
import { DelayingQueue } from './delaying-queue.js';
import type { QueueConfig } from './queue.js';
import { defaultControllerRateLimiter, type RateLimiter } from './rate-limiters.js';

export interface RateLimitingQueueConfig<T> extends QueueConfig {
  rateLimiter?: RateLimiter<T>;
}

export class RateLimitingQueue<T = string> extends DelayingQueue<T> {
  private readonly limiter: RateLimiter<T>;

  constructor(config: RateLimitingQueueConfig<T> = {}) {
    super(config);
    this.limiter = config.rateLimiter ?? defaultControllerRateLimiter<T>(this.clock);
  }

  /** Retries `item` once its rate limiter allows. */
  addRateLimited(item: T): void {
    if (this.isShuttingDown) return;
    this.metrics.retry();
    this.addAfter(item, this.limiter.when(item));
  }

  /** The item succeeded: its backoff starts over. */
  forget(item: T): void {
    this.limiter.forget(item);
  }

  numRequeues(item: T): number {
    return this.limiter.numRequeues(item);
  }
}
