// Remembered answers of a review the apiserver gives (TokenReview, SubjectAccessReview), as
// Kubernetes' delegating authenticator and authorizer cache them: a positive answer for one TTL, a
// negative one for another, a review that fails not at all; concurrent asks with one key share one
// review; the oldest answer goes first past `maxEntries`.
import type { Clock } from '../client/clock.js';

interface Entry<T> {
  answer: T;
  expiresAt: number;
}

export interface ReviewCacheOptions<T> {
  clock: Clock;
  /** How long an answer is kept: by its kind (positive, negative); 0 keeps it not at all. */
  ttlMs: (answer: T) => number;
  maxEntries: number;
}

export class ReviewCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly inFlight = new Map<string, Promise<T>>();

  constructor(private readonly options: ReviewCacheOptions<T>) {
    if (options.maxEntries < 1) throw new Error('ReviewCache: maxEntries must be positive');
  }

  /** The remembered answer for `key`, or `review()`'s (shared with concurrent asks). */
  async get(key: string, review: () => Promise<T>): Promise<T> {
    const cached = this.entries.get(key);
    if (cached && cached.expiresAt > this.options.clock.now()) return cached.answer;
    if (cached) this.entries.delete(key);
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const asked = review().then(
      (answer) => {
        this.inFlight.delete(key);
        this.remember(key, answer);
        return answer;
      },
      (error: unknown) => {
        this.inFlight.delete(key);
        throw error;
      },
    );
    this.inFlight.set(key, asked);
    return asked;
  }

  private remember(key: string, answer: T): void {
    const ttl = this.options.ttlMs(answer);
    if (ttl === 0) return;
    while (this.entries.size >= this.options.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { answer, expiresAt: this.options.clock.now() + ttl });
  }
}
