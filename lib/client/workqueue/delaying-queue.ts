// A workqueue that can add a key later (client-go's DelayingInterface). A key waiting with an
// earlier ready time keeps it; a key already due is added at once.
import type { Timer } from '../clock.js';
import { WorkQueue, type QueueConfig } from './queue.js';

export class DelayingQueue<T = string> extends WorkQueue<T> {
  private readonly waiting = new Map<T, { readyAt: number; timer: Timer }>();

  /** Adds `item` after `delayMs`. */
  addAfter(item: T, delayMs: number): void {
    if (this.isShuttingDown) return;
    if (delayMs <= 0) {
      this.add(item);
      return;
    }
    const readyAt = this.clock.now() + delayMs;
    const existing = this.waiting.get(item);
    if (existing && existing.readyAt <= readyAt) return;
    existing?.timer.cancel();
    const timer = this.clock.setTimer(() => {
      this.waiting.delete(item);
      this.add(item);
    }, delayMs);
    this.waiting.set(item, { readyAt, timer });
  }

  /** Keys waiting for their delay to pass. */
  waitingCount(): number {
    return this.waiting.size;
  }

  override shutDown(): void {
    for (const { timer } of this.waiting.values()) timer.cancel();
    this.waiting.clear();
    super.shutDown();
  }
}

export type { QueueConfig };
