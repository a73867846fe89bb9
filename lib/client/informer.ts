// client-go's shared informer: a Reflector keeps an indexed cache of one resource current and
// tells handlers about every change. Handlers run in event order on the informer's loop and
// should only enqueue keys; workers read objects back from `indexer` (and copy before changing
// them). A relist reports the difference to the cache as adds, updates and deletes; the resync
// period re-delivers every cached object as an update so controllers re-check their work.
import type { KubeObject } from '../api/object.js';
import type { BusEvent } from '../bus/bus.js';
import type { Logger } from '../observe/logger.js';
import { realClock, type Clock, type Timer } from './clock.js';
import { Indexer, type IndexFunc } from './indexer.js';
import { objectKey } from './paths.js';
import { Reflector, type ReflectorConfig } from './reflector.js';

export interface EventHandlers<T extends KubeObject> {
  /** `initialList` is true for objects of the first list. */
  onAdd?(obj: T, initialList: boolean): void;
  onUpdate?(before: T, after: T): void;
  /** The object as it was deleted (after a relist: the last state the cache knew). */
  onDelete?(obj: T): void;
}

export interface InformerConfig<T extends KubeObject> extends ReflectorConfig {
  /** Re-deliver every cached object as an update this often; 0 (default) never. */
  resyncPeriodMs?: number;
  indexers?: Record<string, IndexFunc<T>>;
}

export class Informer<T extends KubeObject = KubeObject> {
  readonly indexer: Indexer<T>;
  private readonly reflector: Reflector<T>;
  private readonly handlers = new Set<EventHandlers<T>>();
  private readonly clock: Clock;
  private readonly log: Logger | undefined;
  private synced = false;
  private syncWaiters: (() => void)[] = [];
  private controller: AbortController | undefined;
  private running: Promise<void> | undefined;
  private resyncTimer: Timer | undefined;

  constructor(private readonly config: InformerConfig<T>) {
    if (config.resyncPeriodMs !== undefined && !(config.resyncPeriodMs >= 0)) throw new Error(`resyncPeriodMs must be >= 0, got ${config.resyncPeriodMs}`);
    this.clock = config.clock ?? realClock;
    this.log = config.log;
    this.indexer = new Indexer<T>(config.indexers ?? {});
    this.reflector = new Reflector<T>(config, {
      replace: (items) => this.replace(items),
      apply: (event) => this.apply(event),
    });
  }

  /** Adds handlers; returns how to remove them. Objects already cached are delivered as adds. */
  addEventHandler(handlers: EventHandlers<T>): () => void {
    this.handlers.add(handlers);
    if (this.synced) for (const obj of this.indexer.list()) this.call(handlers, 'onAdd', () => handlers.onAdd?.(obj, true));
    return () => this.handlers.delete(handlers);
  }

  start(): void {
    if (this.running) return;
    this.controller = new AbortController();
    this.running = this.reflector.run(this.controller.signal);
    this.scheduleResync();
  }

  async stop(): Promise<void> {
    this.resyncTimer?.cancel();
    this.controller?.abort();
    await this.running;
    this.running = undefined;
  }

  /** True once the first list is in the cache. */
  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves true once synced, or false after `timeoutMs`. */
  waitForSync(timeoutMs = 60_000): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = this.clock.setTimer(() => resolve(false), timeoutMs);
      this.syncWaiters.push(() => {
        timer.cancel();
        resolve(true);
      });
    });
  }

  get lastSyncResourceVersion(): string {
    return this.reflector.lastSyncResourceVersion;
  }

  /** Lists made so far; more than one means the informer relisted. */
  get lists(): number {
    return this.reflector.lists;
  }

  private replace(items: T[]): void {
    const initial = !this.synced;
    const { added, updated, deleted } = this.indexer.replace(items);
    for (const obj of added) this.each('onAdd', (h) => h.onAdd?.(obj, initial));
    for (const { before, after } of updated) this.each('onUpdate', (h) => h.onUpdate?.(before, after));
    for (const obj of deleted) this.each('onDelete', (h) => h.onDelete?.(obj));
    if (initial) {
      this.synced = true;
      for (const wake of this.syncWaiters.splice(0)) wake();
    }
  }

  private apply(event: BusEvent<T>): void {
    const obj = event.object;
    if (event.type === 'DELETED') {
      this.indexer.delete(objectKey(obj));
      this.each('onDelete', (h) => h.onDelete?.(obj));
      return;
    }
    const before = this.indexer.set(obj);
    if (before) this.each('onUpdate', (h) => h.onUpdate?.(before, obj));
    else this.each('onAdd', (h) => h.onAdd?.(obj, false));
  }

  private scheduleResync(): void {
    const period = this.config.resyncPeriodMs ?? 0;
    if (period <= 0) return;
    this.resyncTimer = this.clock.setTimer(() => {
      if (this.controller?.signal.aborted) return;
      if (this.synced) for (const obj of this.indexer.list()) this.each('onUpdate', (h) => h.onUpdate?.(obj, obj));
      this.scheduleResync();
    }, period);
  }

  private each(what: string, call: (handlers: EventHandlers<T>) => void): void {
    for (const handlers of this.handlers) this.call(handlers, what, () => call(handlers));
  }

  /** A handler's bug must not stop the informer or other handlers. */
  private call(_handlers: EventHandlers<T>, what: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.log?.error({ resource: this.config.resource.resource, handler: what, err: (error as Error)?.message }, 'informer event handler failed');
    }
  }
}
