// Virtual time for a simulation: a Clock whose now() moves only when the simulator takes the next
// event, and one agenda of events (the trace's arrivals and deletions, and the timers components
// set on the clock, such as the scheduling queue's backoff flushes) ordered by time, then by
// the order they were added, so a run is repeatable.
import type { Clock, Timer } from '../client/clock.js';

interface Scheduled {
  atMs: number;
  seq: number;
  fire: () => void;
  /** Part of the workload (the simulation ends when none is left), not a component's timer. */
  workload: boolean;
  cancelled: boolean;
}

export class VirtualClock implements Clock {
  private current = 0;
  private seq = 0;
  private readonly heap: Scheduled[] = [];
  private workloadPending = 0;

  now(): number {
    return this.current;
  }

  setTimer(fn: () => void, ms: number): Timer {
    return this.add(this.current + Math.max(0, ms), fn, false);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      this.setTimer(resolve, ms);
    });
  }

  /** A workload event at an absolute virtual time (never before now). */
  at(atMs: number, fire: () => void): Timer {
    return this.add(Math.max(this.current, atMs), fire, true);
  }

  /** Workload events not yet fired or cancelled. */
  get workloadEvents(): number {
    return this.workloadPending;
  }

  /** The time of the next event, or undefined when none is left. */
  peekTime(): number | undefined {
    this.dropCancelled();
    return this.heap[0]?.atMs;
  }

  /** Moves time to the next event and fires it; false when none is left. */
  fireNext(): boolean {
    this.dropCancelled();
    const next = this.pop();
    if (!next) return false;
    if (next.workload) this.workloadPending--;
    next.cancelled = true;
    this.current = Math.max(this.current, next.atMs);
    next.fire();
    return true;
  }

  private add(atMs: number, fire: () => void, workload: boolean): Timer {
    const event: Scheduled = { atMs, seq: this.seq++, fire, workload, cancelled: false };
    if (workload) this.workloadPending++;
    this.heap.push(event);
    this.up(this.heap.length - 1);
    return {
      cancel: () => {
        if (event.cancelled) return;
        event.cancelled = true;
        if (workload) this.workloadPending--;
      },
    };
  }

  private dropCancelled(): void {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop();
  }

  private before(a: Scheduled, b: Scheduled): boolean {
    return a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq);
  }

  private pop(): Scheduled | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      this.down(0);
    }
    return top;
  }

  private up(i: number): void {
    const heap = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private down(i: number): void {
    const heap = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < heap.length && this.before(heap[l]!, heap[best]!)) best = l;
      if (r < heap.length && this.before(heap[r]!, heap[best]!)) best = r;
      if (best === i) return;
      [heap[i], heap[best]] = [heap[best]!, heap[i]!];
      i = best;
    }
  }
}
