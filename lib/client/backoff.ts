// Exponential backoff with jitter for retries: initial, doubled per attempt up to a cap, each
// delay spread by up to ±jitter so many clients retrying together do not stay in step.

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** Fraction of the delay added or taken at random (0.2 → ±20%). */
  jitter?: number;
  factor?: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 200, maxMs: 10_000, jitter: 0.2, factor: 2 };

/** The delay before retry number `attempt` (0 for the first retry). */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const base = Math.min(options.maxMs, options.initialMs * (options.factor ?? 2) ** Math.max(0, attempt));
  const jitter = options.jitter ?? 0;
  return Math.max(0, base * (1 + jitter * (2 * random() - 1)));
}
