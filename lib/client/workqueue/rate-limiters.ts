// How long a key waits before it is retried (client-go's workqueue rate limiters): per-key
// exponential backoff, an overall token bucket, and the larger of several.
import { realClock, type Clock } from '../clock.js';
import { TokenBucket } from '../token-bucket.js';

export interface RateLimiter<T = string> {
  /** How long `item` should wait now (and counts the retry). */
  when(item: T): number;
  /** Stops tracking `item` (it succeeded). */
  forget(item: T): void;
  /** Retries counted for `item` since it was last forgotten. */
  numRequeues(item: T): number;
}

/** base·2^n per failure of the item, capped (client-go default 5 ms → 1000 s). */
export class ItemExponentialFailureRateLimiter<T = string> implements RateLimiter<T> {
  private readonly failures = new Map<T, number>();

  constructor(
    readonly baseMs = 5,
    readonly maxMs = 1_000_000,
  ) {
    if (!(baseMs > 0) || !(maxMs >= baseMs)) throw new Error(`need 0 < baseMs <= maxMs, got ${baseMs}, ${maxMs}`);
  }

  when(item: T): number {
    const n = this.failures.get(item) ?? 0;
    this.failures.set(item, n + 1);
    return Math.min(this.maxMs, this.baseMs * 2 ** n);
  }

  forget(item: T): void {
    this.failures.delete(item);
  }

  numRequeues(item: T): number {
    return this.failures.get(item) ?? 0;
  }
}

/** One token bucket over all items (client-go default 10 qps, burst 100). */
export class BucketRateLimiter<T = string> implements RateLimiter<T> {
  private readonly bucket: TokenBucket;

  constructor(qps = 10, burst = 100, clock: Clock = realClock) {
    this.bucket = new TokenBucket(qps, burst, clock);
  }

  when(): number {
    return this.bucket.reserve();
  }

  forget(): void {}

  numRequeues(): number {
    return 0;
  }
}

export class MaxOfRateLimiter<T = string> implements RateLimiter<T> {
  private readonly limiters: RateLimiter<T>[];

  constructor(...limiters: RateLimiter<T>[]) {
    this.limiters = limiters;
  }

  when(item: T): number {
    return Math.max(0, ...this.limiters.map((l) => l.when(item)));
  }

  forget(item: T): void {
    for (const limiter of this.limiters) limiter.forget(item);
  }

  numRequeues(item: T): number {
    return Math.max(0, ...this.limiters.map((l) => l.numRequeues(item)));
  }
}

/** client-go's DefaultControllerRateLimiter: per-item 5 ms → 1000 s, overall 10 qps / 100 burst. */
export function defaultControllerRateLimiter<T = string>(clock: Clock = realClock): RateLimiter<T> {
  return new MaxOfRateLimiter<T>(new ItemExponentialFailureRateLimiter<T>(5, 1_000_000), new BucketRateLimiter<T>(10, 100, clock));
}
