// The Redis watch bus: each watch reads one stream (the resource's, or for pods selected by
// spec.nodeName the node's) on its own blocking connection, filters on the client with the same
// selectors the apiserver uses, and proves continuity entry by entry with the `prev` field. It
// never guesses: a gap, a trimmed stream, a base above its position or a restarted Redis ends the
// watch with WatchGoneError, and the caller relists through the apiserver.
//
// While Redis is unreachable watches wait (reconnecting), then check Redis' run id: the same
// server continues where it was, a restarted one means relist. The bus logs each transition once.
import { Redis } from 'ioredis';
import { compileFilter, watchTransition, type ObjectFilter } from '../api/object-filter.js';
import type { KubeObject } from '../api/object.js';
import { apiVersionOf } from '../api/resources.js';
import { escapeFieldValue } from '../api/selectors/index.js';
import { realClock, type Clock } from '../client/clock.js';
import type { Logger } from '../observe/logger.js';
import { WatchGoneError, type BusEvent, type BusWatch, type BusWatchRequest, type WatchBus } from './bus.js';
import {
  BASE_KEY,
  decodeStreamEvent,
  entryId,
  EVENT_FIELD,
  isPods,
  nodeStream,
  PREV_FIELD,
  PUBLISHED_KEY,
  resourceStream,
  revisionOfId,
} from './redis-streams.js';

export interface RedisBusOptions {
  url: string;
  log: Logger;
  /** Entries read per round trip (default 500). */
  count?: number;
  /** How long one blocking read waits (default 5000 ms). */
  blockMs?: number;
  /** Least time between two BOOKMARK events of one watch (default 5000 ms); an idle watch that
   *  asked for bookmarks gets one about this often. */
  bookmarkIntervalMs?: number;
  clock?: Clock;
}

type Entry = [id: Buffer, fields: Buffer[]];

/** The stream a watch reads: the node's stream when it selects pods by spec.nodeName. */
export function streamFor(request: BusWatchRequest, filter: ObjectFilter): string {
  if (isPods(request.resource)) {
    const node = filter.exactField('spec.nodeName');
    if (node !== undefined && node !== '') return nodeStream(node);
  }
  return resourceStream(request.resource);
}

function fieldOf(fields: Buffer[], name: string): Buffer | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i]!.toString() === name) return fields[i + 1];
  return undefined;
}

async function runIdOf(connection: Redis): Promise<string> {
  const info = await connection.info('server');
  return /run_id:(\w+)/.exec(info)?.[1] ?? '';
}

export class RedisBus implements WatchBus {
  readonly kind = 'redis' as const;
  private readonly watches = new Set<RedisWatch<KubeObject>>();
  private readonly restartsLogged = new Set<string>();
  private available = true;
  private closed = false;

  constructor(readonly options: RedisBusOptions) {}

  watch<T extends KubeObject = KubeObject>(request: BusWatchRequest): BusWatch<T> {
    if (this.closed) throw new Error('the bus is closed');
    const namespaceTerm = request.namespace !== undefined ? `metadata.namespace=${escapeFieldValue(request.namespace)}` : '';
    const fieldSelector = [request.fieldSelector ?? '', namespaceTerm].filter((s) => s !== '').join(',');
    const filter = compileFilter(request.resource, request.labelSelector ?? '', fieldSelector);
    const watch = new RedisWatch<T>(this, request, filter, streamFor(request, filter));
    this.watches.add(watch as unknown as RedisWatch<KubeObject>);
    return watch;
  }

  /** @internal */
  forget(watch: RedisWatch<KubeObject>): void {
    this.watches.delete(watch);
  }

  /** @internal: Redis could not be reached (logged once until it is back). */
  markUnavailable(error: unknown): void {
    if (!this.available || this.closed) return;
    this.available = false;
    this.options.log.warn({ bus: 'redis', err: (error as Error)?.message }, 'redis is unavailable: watches wait for it and relist if it lost events');
  }

  /** @internal */
  markAvailable(): void {
    if (this.available) return;
    this.available = true;
    this.options.log.info({ bus: 'redis' }, 'redis is available again: watches continue');
  }

  /** @internal: a watch found Redis restarted; logged once per restart. */
  markRestarted(runId: string): void {
    if (this.restartsLogged.has(runId)) return;
    this.restartsLogged.add(runId);
    this.options.log.warn({ bus: 'redis', runId }, 'redis restarted and may have lost events: watches relist');
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const watch of [...this.watches]) watch.close();
    this.watches.clear();
  }
}

interface Waiter {
  resolve(): void;
}

class RedisWatch<T extends KubeObject> implements BusWatch<T> {
  private readonly queue: BusEvent<T>[] = [];
  private failure: unknown;
  private ended = false;
  private waiter: Waiter | undefined;
  private drainWaiter: Waiter | undefined;
  private readonly connection: Redis;
  private position: number;
  private lastBookmarkAt = 0;
  private started = false;

  constructor(
    private readonly bus: RedisBus,
    private readonly request: BusWatchRequest,
    private readonly filter: ObjectFilter,
    readonly stream: string,
  ) {
    const position = Number(request.resourceVersion);
    if (!Number.isSafeInteger(position) || position < 0) throw new Error(`a redis bus watch starts from a resourceVersion, got ${JSON.stringify(request.resourceVersion)}`);
    this.position = position;
    this.connection = new Redis(bus.options.url, {
      lazyConnect: true,
      // Commands fail while disconnected instead of being queued or resent, so the watch sees
      // every outage and checks what Redis kept before reading on.
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 0,
      retryStrategy: (times) => Math.min(100 * times, 1000),
    });
    this.connection.on('error', () => undefined);
  }

  [Symbol.asyncIterator](): AsyncIterator<BusEvent<T>> {
    if (!this.started) {
      this.started = true;
      void this.run();
    }
    return {
      next: async () => {
        for (;;) {
          const event = this.queue.shift();
          if (event) {
            if (this.queue.length === 0) this.wakeDrain();
            return { value: event, done: false };
          }
          if (this.failure !== undefined) {
            const failure = this.failure;
            this.failure = undefined;
            throw failure;
          }
          if (this.ended) return { value: undefined, done: true };
          await new Promise<void>((resolve) => (this.waiter = { resolve }));
        }
      },
      return: async () => {
        this.close();
        return { value: undefined, done: true };
      },
    };
  }

  close(): void {
    if (this.ended) return;
    this.ended = true;
    this.connection.disconnect();
    this.bus.forget(this as unknown as RedisWatch<KubeObject>);
    this.wake();
    this.wakeDrain();
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.resolve();
  }

  private wakeDrain(): void {
    const waiter = this.drainWaiter;
    this.drainWaiter = undefined;
    waiter?.resolve();
  }

  private push(event: BusEvent<T>): void {
    this.queue.push(event);
    this.wake();
  }

  private fail(error: unknown): void {
    if (this.ended) return;
    this.failure = error;
    this.close();
  }

  private async waitReady(): Promise<void> {
    while (!this.ended && this.connection.status !== 'ready') {
      if (this.connection.status === 'wait' || this.connection.status === 'end') {
        try {
          await this.connection.connect();
        } catch {
          // retried below
        }
      }
      if ((this.connection.status as string) === 'ready') return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  private async run(): Promise<void> {
    const { count = 500, blockMs = 5000, bookmarkIntervalMs = 5000 } = this.bus.options;
    // A watch that wants bookmarks wakes up often enough to send them while nothing happens.
    const block = this.request.bookmarks ? Math.min(blockMs, bookmarkIntervalMs) : blockMs;
    let runId: string | undefined;
    let checkRunId = true;
    while (!this.ended) {
      try {
        await this.waitReady();
        if (this.ended) return;
        if (checkRunId) {
          const current = await runIdOf(this.connection);
          if (runId !== undefined && current !== runId) {
            this.bus.markRestarted(current);
            this.fail(new WatchGoneError('redis-restart', `redis restarted (run id ${runId} → ${current}); relist`));
            return;
          }
          runId = current;
          checkRunId = false;
          this.bus.markAvailable();
        }
        // Don't read further ahead of a slow consumer than one batch.
        if (this.queue.length >= count) await new Promise<void>((resolve) => (this.drainWaiter = { resolve }));
        if (this.ended) return;
        const results = await this.connection
          .pipeline()
          .get(BASE_KEY)
          .get(PUBLISHED_KEY)
          .xreadBuffer('COUNT', count, 'BLOCK', block, 'STREAMS', this.stream, entryId(this.position))
          .exec();
        if (!results) continue;
        for (const [error] of results) if (error) throw error;
        const base = results[0]![1] === null ? undefined : Number(results[0]![1]);
        const published = results[1]![1] === null ? undefined : Number(results[1]![1]);
        const read = results[2]![1] as [Buffer, Entry[]][] | null;
        if (base !== undefined && base > this.position) {
          this.fail(new WatchGoneError('gap', `the bus holds events only after ${base}, this watch is at ${this.position}; relist`));
          return;
        }
        const entries = read?.[0]?.[1] ?? [];
        for (const entry of entries) {
          if (!this.deliver(entry)) return;
        }
        if (entries.length < count && base !== undefined && published !== undefined) {
          // Everything published up to `published` was in the stream when this read began, and
          // this read drained the stream: nothing up to it is missing.
          this.position = Math.max(this.position, published);
          this.bookmark();
        }
      } catch (error) {
        if (this.ended) return;
        this.bus.markUnavailable(error);
        checkRunId = true;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  /** Applies one entry; false when the watch ended on it. */
  private deliver([rawId, fields]: Entry): boolean {
    const revision = revisionOfId(rawId.toString());
    if (revision <= this.position) return true;
    const prev = Number(fieldOf(fields, PREV_FIELD)?.toString() ?? 'NaN');
    if (!(prev <= this.position)) {
      this.fail(new WatchGoneError('gap', `${this.stream}: the entry at ${revision} follows ${prev}, past this watch's position ${this.position} (trimmed or lost); relist`));
      return false;
    }
    this.position = revision;
    const payload = fieldOf(fields, EVENT_FIELD);
    if (!payload) return true;
    const event = decodeStreamEvent(payload);
    const deleted = event.type === 'DELETED';
    const seen = watchTransition(this.filter, deleted, deleted ? null : event.object, deleted ? event.object : (event.before ?? null));
    if (seen) this.push({ type: seen.type, object: seen.object as T, resourceVersion: String(revision) });
    return true;
  }

  private bookmark(): void {
    if (!this.request.bookmarks) return;
    const { bookmarkIntervalMs = 5000 } = this.bus.options;
    const now = (this.bus.options.clock ?? realClock).now();
    if (now - this.lastBookmarkAt < bookmarkIntervalMs) return;
    this.lastBookmarkAt = now;
    const info = this.request.resource;
    const object = { kind: info.kind, apiVersion: apiVersionOf(info), metadata: { resourceVersion: String(this.position) } } as KubeObject as T;
    this.push({ type: 'BOOKMARK', object, resourceVersion: String(this.position) });
  }
}
