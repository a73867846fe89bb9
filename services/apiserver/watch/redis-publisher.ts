// Publishes every committed event of a served resource to Redis Streams (layout in
// lib/bus/redis-streams.ts) while this apiserver leads. `isLeader` is the predicate: true for a
// single replica; with replicas it is bound to the Raft role, so only the leader publishes.
//
// Publication follows the store's commit stream in revision order, one MULTI per batch (entries
// and the published mark together), so a reader never sees the mark ahead of the entries. When
// this apiserver starts leading, or Redis comes back, it resumes from the mark in Redis: it
// republishes the store's history after the mark (explicit entry IDs make repeats no-ops). When
// Redis holds no mark (new, or restarted without persistence), or the store's history no longer
// reaches back to it, publication starts afresh with a new base, and readers behind the base
// relist. The apiserver never waits for Redis: writes are acknowledged by the store alone.
import { Redis } from 'ioredis';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { KubeObject } from '../../../lib/api/object.js';
import { STORED_RESOURCES, storagePrefix, type ResourceInfo } from '../../../lib/api/resources.js';
import {
  BASE_KEY,
  encodeStreamEvent,
  entryId,
  EVENT_FIELD,
  isPods,
  MAX_SET_SCRIPT,
  nodeStream,
  PREV_FIELD,
  PUBLISHED_KEY,
  resourceStream,
  revisionOfId,
  type StreamEvent,
} from '../../../lib/bus/redis-streams.js';
import { StoreError, type Store, type StoreEvent } from '../../../lib/native/store.js';
import type { Logger } from '../../../lib/observe/logger.js';
import { resourcePrefixOf } from './watch-hub.js';

export interface RedisPublisherOptions {
  store: Store;
  url: string;
  log: Logger;
  /** Whether this apiserver is the one that publishes (the Raft leader; true for one replica). */
  isLeader: () => boolean;
  /** Approximate most entries kept per stream (XADD MAXLEN ~). */
  maxLen: number;
  metrics?: Registry;
  /** Most events in one MULTI (default 1000). */
  batchEvents?: number;
}

export interface PublisherStatus {
  leading: boolean;
  redisAvailable: boolean;
  /** Every stream holds every event in (base, publishedThrough]. */
  base: number;
  publishedThrough: number;
}

const NO_STATE = 'redis holds no bus state';

const RESOURCE_BY_PREFIX = new Map<string, ResourceInfo>(STORED_RESOURCES.map((info) => [storagePrefix(info), info]));

/** XADD refuses an ID at or below the stream's last one: the entry is already there. */
function alreadyPublished(error: Error): boolean {
  return /equal or smaller than the target stream top item/.test(error.message);
}

function nodeNameOf(obj: KubeObject | null): string {
  const spec = obj?.spec as { nodeName?: unknown } | undefined;
  return typeof spec?.nodeName === 'string' ? spec.nodeName : '';
}

interface Outgoing {
  revision: number;
  streams: string[];
  payload: Buffer;
}

export class RedisPublisher {
  private readonly redis: Redis;
  private readonly unsubscribe: () => void;
  private readonly tick: NodeJS.Timeout;
  private pending: StoreEvent[] = [];
  private pumping: Promise<void> | undefined;
  private needResume = true;
  private base = 0;
  private publishedThrough = 0;
  /** Last entry revision per stream, learned from Redis or from what this publisher added. */
  private readonly lastIds = new Map<string, number>();
  private available = true;
  private leading = false;
  private closed = false;
  private readonly published?: Counter;
  private readonly failures?: Counter;
  private readonly mark?: Gauge;

  constructor(private readonly options: RedisPublisherOptions) {
    this.redis = new Redis(options.url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 0,
      retryStrategy: (times) => Math.min(200 * times, 2000),
    });
    this.redis.on('error', () => undefined);
    this.redis.on('ready', () => this.kick());
    // Any reconnect may be to a Redis that lost data: resume from what it holds.
    this.redis.on('close', () => {
      this.needResume = true;
      this.markUnavailable(new Error('connection closed'));
    });
    if (options.metrics) {
      const registers = [options.metrics];
      this.published = new Counter({ name: 'rudder_bus_redis_published_entries_total', help: 'Stream entries added to Redis by this apiserver.', registers });
      this.failures = new Counter({ name: 'rudder_bus_redis_publish_failures_total', help: 'Publications that failed (Redis unavailable); caught up later.', registers });
      this.mark = new Gauge({ name: 'rudder_bus_redis_published_revision', help: 'Revision through which every stream is complete.', registers });
    }
    this.unsubscribe = options.store.onCommit((events) => {
      if (!this.options.isLeader()) this.needResume = true;
      // While a resume is due, the store's history is what gets published, not a growing queue.
      if (this.needResume) return this.kick();
      for (const event of events) this.pending.push(event);
      this.kick();
    });
    // Leadership can arrive without a commit, and Redis can come back while nothing is written.
    this.tick = setInterval(() => {
      if (this.needResume || this.pending.length > 0) this.kick();
    }, 1000);
    this.tick.unref();
  }

  async start(): Promise<void> {
    try {
      await this.redis.connect();
    } catch (error) {
      this.markUnavailable(error);
    }
    this.kick();
  }

  /** Call when this apiserver's role changes (it is also noticed on the next commit or tick). */
  leadershipChanged(): void {
    this.kick();
  }

  status(): PublisherStatus {
    return { leading: this.leading, redisAvailable: this.available, base: this.base, publishedThrough: this.publishedThrough };
  }

  /** Resolves once nothing is waiting to be published (for tests and orderly shutdown). */
  async idle(): Promise<void> {
    while (this.pumping) await this.pumping;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.tick);
    this.unsubscribe();
    await this.idle();
    this.redis.disconnect();
  }

  private kick(): void {
    if (this.pumping || this.closed) return;
    this.pumping = this.pump().finally(() => {
      this.pumping = undefined;
      if (this.pending.length > 0 && !this.needResume && !this.closed) this.kick();
    });
  }

  private async pump(): Promise<void> {
    try {
      while (!this.closed) {
        if (!this.options.isLeader()) {
          if (this.leading) this.options.log.info({ bus: 'redis' }, 'no longer leading: stopped publishing to redis');
          this.leading = false;
          this.pending = [];
          this.needResume = true;
          this.lastIds.clear();
          return;
        }
        if (this.needResume) {
          if (this.redis.status !== 'ready') return;
          await this.resume();
          continue;
        }
        if (this.pending.length === 0) return;
        const batch = this.pending.splice(0, this.options.batchEvents ?? 1000);
        await this.publish(batch);
      }
    } catch (error) {
      this.failures?.inc();
      this.markUnavailable(error);
      this.needResume = true;
      this.pending = [];
      this.lastIds.clear();
    }
  }

  /** Picks up from the published mark in Redis, republishing the store's history after it. */
  private async resume(): Promise<void> {
    const { store, log } = this.options;
    this.lastIds.clear();
    const [baseText, publishedText] = await this.redis.mget(BASE_KEY, PUBLISHED_KEY);
    // From here on commits queue up behind the history read below (nothing commits in between).
    const upTo = store.revision;
    this.pending = [];
    this.needResume = false;
    let caughtUp = 0;
    if (baseText === null || publishedText === null) {
      await this.startAfresh(upTo, NO_STATE);
    } else {
      const from = Number(publishedText);
      let history: StoreEvent[] | undefined;
      if (from < upTo) {
        try {
          history = store.eventsSince('/registry/', from, upTo);
        } catch (error) {
          if (!(error instanceof StoreError && error.code === 'Compacted')) throw error;
        }
      }
      if (from < upTo && history === undefined) {
        await this.startAfresh(upTo, `the store's history no longer reaches revision ${from}`);
      } else {
        this.base = Number(baseText);
        this.publishedThrough = Math.min(from, upTo);
        const size = this.options.batchEvents ?? 1000;
        for (let i = 0; history && i < history.length; i += size) await this.publish(history.slice(i, i + size));
        caughtUp = history?.length ?? 0;
        await this.redis.eval(MAX_SET_SCRIPT, 1, PUBLISHED_KEY, String(upTo));
        this.publishedThrough = Math.max(this.publishedThrough, upTo);
      }
    }
    this.markAvailable();
    this.leading = true;
    this.mark?.set(this.publishedThrough);
    log.info({ bus: 'redis', base: this.base, revision: this.publishedThrough, republished: caughtUp }, 'publishing committed events to redis');
  }

  private async startAfresh(upTo: number, why: string): Promise<void> {
    await this.redis.multi().set(BASE_KEY, String(upTo)).set(PUBLISHED_KEY, String(upTo)).exec();
    // A first start is routine; losing the streams (Redis restarted empty, history too short) is not.
    const routine = this.publishedThrough === 0 && why === NO_STATE;
    this.base = upTo;
    this.publishedThrough = upTo;
    this.options.log[routine ? 'info' : 'warn']({ bus: 'redis', base: upTo, reason: why }, 'starting the redis streams at the current revision: readers behind it relist');
  }

  private outgoing(event: StoreEvent): Outgoing | undefined {
    const info = RESOURCE_BY_PREFIX.get(resourcePrefixOf(event.key));
    if (!info) return undefined;
    const now = event.value as KubeObject | null;
    const before = event.prevValue as KubeObject | null;
    // Objects carry the event's revision, as watch events do.
    for (const obj of [now, before]) if (obj?.metadata) obj.metadata.resourceVersion = String(event.revision);
    let message: StreamEvent;
    if (event.type === 'delete') {
      if (!before) return undefined;
      message = { type: 'DELETED', object: before };
    } else if (!now) {
      return undefined;
    } else {
      message = before ? { type: 'MODIFIED', object: now, before } : { type: 'ADDED', object: now };
    }
    const streams = [resourceStream(info)];
    if (isPods(info)) {
      const nodes = new Set([nodeNameOf(now), nodeNameOf(before)]);
      for (const node of nodes) if (node !== '') streams.push(nodeStream(node));
    }
    return { revision: event.revision, streams, payload: encodeStreamEvent(message) };
  }

  /** Learns the last entry of streams this publisher has not written to yet. */
  private async learnLastIds(streams: Iterable<string>): Promise<void> {
    const unknown = [...new Set(streams)].filter((s) => !this.lastIds.has(s));
    if (unknown.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const stream of unknown) pipeline.xrevrange(stream, '+', '-', 'COUNT', 1);
    const results = (await pipeline.exec()) ?? [];
    unknown.forEach((stream, i) => {
      const [error, entries] = results[i] ?? [new Error('no reply'), null];
      if (error) throw error;
      const last = (entries as [string, string[]][])[0];
      this.lastIds.set(stream, last ? revisionOfId(last[0]) : 0);
    });
  }

  private async publish(events: StoreEvent[]): Promise<void> {
    const batch: Outgoing[] = [];
    let highest = this.publishedThrough;
    for (const event of events) {
      if (event.revision <= this.publishedThrough) continue;
      highest = Math.max(highest, event.revision);
      const out = this.outgoing(event);
      if (out) batch.push(out);
    }
    if (highest === this.publishedThrough) return;
    await this.learnLastIds(batch.flatMap((o) => o.streams));
    const multi = this.redis.multi();
    const maxLen = String(this.options.maxLen);
    let entries = 0;
    for (const out of batch) {
      const id = entryId(out.revision);
      for (const stream of out.streams) {
        const last = this.lastIds.get(stream) ?? 0;
        if (out.revision <= last) continue;
        // The stream's previous entry, or the base: nothing of this stream lies between them.
        const prev = Math.max(last, this.base);
        multi.xadd(stream, 'MAXLEN', '~', maxLen, id, EVENT_FIELD, out.payload, PREV_FIELD, String(prev));
        this.lastIds.set(stream, out.revision);
        entries++;
      }
    }
    multi.eval(MAX_SET_SCRIPT, 1, PUBLISHED_KEY, String(highest));
    const results = await multi.exec();
    if (!results) throw new Error('redis discarded the transaction');
    for (const [error] of results) {
      if (error && !alreadyPublished(error)) throw error;
    }
    this.publishedThrough = highest;
    this.published?.inc(entries);
    this.mark?.set(highest);
  }

  private markUnavailable(error: unknown): void {
    if (!this.available || this.closed) return;
    this.available = false;
    this.options.log.warn({ bus: 'redis', err: (error as Error)?.message }, 'redis is unavailable: the apiserver keeps serving and publishes the missed events when it is back');
  }

  private markAvailable(): void {
    if (this.available) return;
    this.available = true;
    this.options.log.info({ bus: 'redis' }, 'redis is available again: publication resumed');
  }
}
