// Writes to the apiserver that a component's loop does not wait for (the scheduler's bindings, a
// kubelet's pod statuses) run here: at most `concurrency` at once, the urgent lane (bindings,
// preemption's deletes) always before the
// background lane (status updates, explanation annotations). The background lane is bounded:
// when the apiserver falls behind, the oldest background writes are dropped (their promises
// reject with RequestDropped) rather than delaying bindings or growing without limit.

export type Lane = 'urgent' | 'background';

export class RequestDropped extends Error {
  override name = 'RequestDropped';
  constructor() {
    super('dropped: too many background writes waiting');
  }
}

interface Job {
  run: () => Promise<void>;
  drop: () => void;
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
  ) {
    if (!(concurrency >= 1)) throw new Error(`concurrency must be at least 1, got ${concurrency}`);
  }

  /** Runs `fn` when a slot is free; settles as `fn` does (or rejects with RequestDropped). */
  run<T>(lane: Lane, fn: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const job: Job = { run: () => fn().then(resolve, reject), drop: () => reject(new RequestDropped()) };
      if (lane === 'urgent') this.urgent.push(job);
      else {
        this.background.push(job);
        if (this.background.length > this.maxBackground) {
          this.background.shift()!.drop();
          this.dropped++;
        }
      }
      this.pump();
    });
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
      void job.run().finally(() => {
        this.active--;
        this.pump();
        if (this.pending === 0) for (const wake of this.idleWaiters.splice(0)) wake();
      });
    }
  }
}
