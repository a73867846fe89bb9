// A token bucket like golang.org/x/time/rate: `qps` tokens a second, at most `burst` saved up.
// Callers reserve a token and wait the returned delay, so waiting callers are served in order.
// client-go limits each client's requests this way (QPS/Burst), and the workqueue's overall
// retry limiter is one too.
import type { Clock } from './clock.js';

export class TokenBucket {
  private tokens: number;
  private last: number;

  /** `qps` <= 0 or Infinity means unlimited. */
  constructor(
    readonly qps: number,
    readonly burst: number,
    private readonly clock: Clock,
  ) {
    if (!(burst >= 1) && Number.isFinite(qps) && qps > 0) throw new Error(`burst must be at least 1 when qps is limited (got ${burst})`);
    this.tokens = burst;
    this.last = clock.now();
  }

  get unlimited(): boolean {
    return !(this.qps > 0) || !Number.isFinite(this.qps);
  }

  /** Takes a token (possibly one not yet earned); returns how many ms to wait before using it. */
  reserve(): number {
    if (this.unlimited) return 0;
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens / this.qps) * 1000;
  }

  /** Waits for a token. */
  async take(signal?: AbortSignal): Promise<void> {
    const delay = this.reserve();
    if (delay > 0) await this.clock.sleep(delay, signal);
  }
}
