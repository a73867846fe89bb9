// Writes to the apiserver run here, off the scheduling loop: at most `concurrency` at once, the
// urgent lane (bindings) always before the background lane (events, status updates). The
// background lane is bounded: when the apiserver falls behind, the oldest background writes are
// dropped (and counted) rather than delaying bindings or growing without limit.

export type Lane = 'urgent' | 'background';

interface Job {
  run: () => Promise<void>;
}

export class RequestPool {
  private readonly urgent: Job[] = [];
  private readonly background: Job[] = [];
  private active = 0;
  private idleWaiters: (() => void)[] = [];
  dropped = 0;

  constructor(
    private readonly concurrency: number,
    private readonly maxBackground = 20_000,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {
    if (!(concurrency >= 1)) throw new Error(`concurrency must be at least 1, got ${concurrency}`);
  }

  submit(lane: Lane, run: () => Promise<void>): void {
    if (lane === 'urgent') this.urgent.push({ run });
    else {
      this.background.push({ run });
      if (this.background.length > this.maxBackground) {
        this.background.shift();
        this.dropped++;
      }
    }
    this.pump();
  }

  get pending(): number {
    return this.urgent.length + this.background.length + this.active;
  }

  /** Resolves once nothing is queued or running. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.active < this.concurrency) {
      const job = this.urgent.shift() ?? this.background.shift();
      if (!job) break;
      this.active++;
      job
        .run()
        .catch(this.onError)
        .finally(() => {
          this.active--;
          this.pump();
          if (this.pending === 0) for (const wake of this.idleWaiters.splice(0)) wake();
        });
    }
  }
}
