// Fans committed store events out to every open watch. Events arrive once per commit from the
// store, in revision order; each is decoded once, encoded once per wire format, and written to the
// watches whose scope and selectors it concerns. A watch that starts from a resourceVersion first
// replays the store's history after it, then follows live events with no gap and no duplicate
// (JavaScript runs one thing at a time, so nothing commits between the replay and the follow).
// Watches are indexed by the key prefix they cover and, for kinds with an indexed field (pods by
// spec.nodeName), by the value their field selector pins, so an event costs the watches it
// concerns, not every watch of its resource.
import type { KubeObject } from '../../../lib/api/object.js';
import { watchTransition } from '../../../lib/api/object-filter.js';
import { apiVersionOf, STORED_RESOURCES, storageKey, storagePrefix, type ResourceInfo } from '../../../lib/api/resources.js';
import { fieldSetOf } from '../../../lib/api/selectors/index.js';
import { errors, type Status } from '../../../lib/api/status.js';
import { StoreError, type Store, type StoreEvent } from '../../../lib/native/store.js';
import type { Logger } from '../../../lib/observe/logger.js';
import { Gauge, type Registry } from 'prom-client';
import type { ObjectFilter } from '../registry/filter.js';
import { tooLargeResourceVersion } from '../registry/wait-for-revision.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** One event ready to encode; `cache` holds its encodings keyed by encoder id. */
export interface HubEvent {
  type: WatchEventType;
  object: KubeObject;
  cache?: Map<string, string | Buffer>;
}

export interface WatchEncoder {
  /** Encodings with the same id are shared between watches. */
  readonly id: string;
  encode(event: HubEvent): string | Buffer;
}

export interface WatchSink {
  /** Writes bytes; returns false when the consumer has fallen too far behind. */
  write(chunk: string | Buffer): boolean;
  /** Ends the stream (after a final event, if any). */
  end(): void;
}

export interface WatchRequest {
  info: ResourceInfo;
  namespace?: string;
  /** Watch of a single object (GET .../pods/web?watch=1 or fieldSelector metadata.name=web). */
  name?: string;
  filter: ObjectFilter;
  /** Start after this revision; undefined starts with the current state as ADDED events. */
  fromRevision: number | undefined;
  /** sendInitialEvents=true: current state, then a bookmark marking the end of it. */
  sendInitialEvents: boolean;
  bookmarks: boolean;
  encoder: WatchEncoder;
  sink: WatchSink;
}

export interface Watch {
  readonly id: number;
  stop(): void;
}

interface ActiveWatch {
  id: number;
  request: WatchRequest;
  /** Key prefix this watch covers (resource, namespace or single object). */
  keyPrefix: string;
  exactKey: string | undefined;
  stopped: boolean;
  /** Takes the watch out of the live index; set while it follows live events. */
  unfollow: (() => void) | undefined;
}

/** Fields whose selector values index watches, per kind: what a per-node component selects on. */
const INDEXED_FIELDS: Readonly<Record<string, string>> = { '/pods': 'spec.nodeName' };

/** The live watches of one resource. */
interface ResourceWatches {
  info: ResourceInfo | undefined;
  indexedField: string | undefined;
  /** Watches without an indexed field value, by the key prefix they cover. */
  byPrefix: Map<string, Set<ActiveWatch>>;
  /** Watches whose selector pins the indexed field, by that value. */
  byField: Map<string, Set<ActiveWatch>>;
}

const RESOURCE_BY_PREFIX = new Map(STORED_RESOURCES.map((info) => [storagePrefix(info), info]));

function encodeWith(encoder: WatchEncoder, event: HubEvent): string | Buffer {
  const cache = (event.cache ??= new Map());
  let encoded = cache.get(encoder.id);
  if (encoded === undefined) {
    encoded = encoder.encode(event);
    cache.set(encoder.id, encoded);
  }
  return encoded;
}

/** "/registry/core/pods/ns/name" → "/registry/core/pods/" */
export function resourcePrefixOf(key: string): string {
  let slashes = 0;
  for (let i = 0; i < key.length; i++) {
    if (key.charCodeAt(i) === 47 && ++slashes === 4) return key.slice(0, i + 1);
  }
  return key;
}

/** "/registry/core/pods/ns/name" → "/registry/core/pods/ns/" (the resource prefix for cluster-scoped keys). */
function parentPrefixOf(key: string): string {
  return key.slice(0, key.lastIndexOf('/') + 1);
}

/** Adds the watch to map[key]; returns how to take it out again (dropping an emptied bucket). */
function addTo(map: Map<string, Set<ActiveWatch>>, key: string, watch: ActiveWatch): () => void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(watch);
  const bucket = set;
  return () => {
    bucket.delete(watch);
    if (bucket.size === 0 && map.get(key) === bucket) map.delete(key);
  };
}

function withRevision(obj: KubeObject, revision: number): KubeObject {
  if (obj.metadata) obj.metadata.resourceVersion = String(revision);
  return obj;
}

/** Objects in an event carry the event's revision, deletions included (as Kubernetes sends them). */
function stampRevision(event: StoreEvent<KubeObject>): void {
  if (event.value) withRevision(event.value, event.revision);
  if (event.prevValue) withRevision(event.prevValue, event.revision);
}

export interface WatchHubOptions {
  store: Store;
  log: Logger;
  bookmarkIntervalMs: number;
  /** Where apiserver_registered_watchers goes. */
  metrics?: Registry;
}

export class WatchHub {
  private readonly byResource = new Map<string, ResourceWatches>();
  private readonly live = new Set<ActiveWatch>();
  private nextId = 1;
  private readonly unsubscribe: () => void;
  private readonly unsubscribeReset: () => void;
  private readonly bookmarkTimer: NodeJS.Timeout;

  constructor(private readonly options: WatchHubOptions) {
    this.unsubscribe = options.store.onCommit((events) => this.dispatch(events));
    // A snapshot replaced this replica's state: no watch can continue without a gap.
    this.unsubscribeReset = options.store.onReset((revision) => this.expireAll(revision));
    this.bookmarkTimer = setInterval(() => this.sendBookmarks(), options.bookmarkIntervalMs);
    this.bookmarkTimer.unref();
    if (options.metrics) {
      const live = this.live;
      new Gauge({
        name: 'apiserver_registered_watchers',
        help: 'Number of currently registered watchers for a given resource',
        labelNames: ['group', 'version', 'kind'],
        registers: [options.metrics],
        collect() {
          this.reset();
          const counts = new Map<ResourceInfo, number>();
          for (const watch of live) counts.set(watch.request.info, (counts.get(watch.request.info) ?? 0) + 1);
          for (const [info, count] of counts) this.set({ group: info.group, version: info.version, kind: info.kind }, count);
        },
      });
    }
  }

  get size(): number {
    return this.live.size;
  }

  /** Ends every watch with 410 Expired, so clients relist. */
  private expireAll(revision: number): void {
    const expired = errors.expired(`the store was restored from a snapshot at revision ${revision}; relist`).status;
    for (const watch of [...this.live]) this.fail(watch, expired);
  }

  close(): void {
    clearInterval(this.bookmarkTimer);
    this.unsubscribe();
    this.unsubscribeReset();
    for (const watch of this.live) this.finish(watch);
    this.live.clear();
    this.byResource.clear();
  }

  /**
   * Starts a watch: replays what it asked for, then follows. A resourceVersion older than the
   * store's history ends the watch with a 410 Expired ERROR event, as Kubernetes does.
   */
  start(request: WatchRequest): Watch {
    const { info, namespace, name } = request;
    const watch: ActiveWatch = {
      id: this.nextId++,
      request,
      keyPrefix: name !== undefined ? storageKey(info, namespace, name) : storagePrefix(info, namespace),
      exactKey: name !== undefined ? storageKey(info, namespace, name) : undefined,
      stopped: false,
      unfollow: undefined,
    };
    const stop = (): void => this.stopWatch(watch);
    const { store } = this.options;
    if (request.fromRevision !== undefined && request.fromRevision > store.revision) {
      // A resourceVersion from the future: wait briefly for it, as Kubernetes' watch cache does.
      const target = request.fromRevision;
      const timer = setTimeout(() => {
        off();
        this.fail(watch, tooLargeResourceVersion(target, store.revision).status);
      }, 3000);
      const off = store.onCommit(() => {
        if (store.revision < target) return;
        clearTimeout(timer);
        off();
        if (!watch.stopped) this.beginSafely(watch);
      });
      return { id: watch.id, stop: () => {
        clearTimeout(timer);
        off();
        stop();
      } };
    }
    this.beginSafely(watch);
    return { id: watch.id, stop };
  }

  /** A watch that cannot start ends with an ERROR event; nothing of it is left registered. */
  private beginSafely(watch: ActiveWatch): void {
    try {
      this.begin(watch);
    } catch (error) {
      this.options.log.error({ err: error, resource: watch.request.info.resource, watch: watch.id }, 'a watch failed to start');
      this.fail(watch, errors.internal((error as Error)?.message ?? String(error)).status);
    }
  }

  private begin(watch: ActiveWatch): void {
    const { store } = this.options;
    const { request } = watch;
    const upTo = store.revision;
    if (request.fromRevision === undefined || request.fromRevision === 0) {
      const page = store.range<KubeObject>(watch.keyPrefix, { revision: upTo });
      for (const kv of page.kvs) {
        if (watch.exactKey !== undefined && kv.key !== watch.exactKey) continue;
        const obj = withRevision(kv.value, kv.modRevision);
        if (!request.filter.matches(obj)) continue;
        if (!this.send(watch, { type: 'ADDED', object: obj })) return;
      }
      if (request.sendInitialEvents && request.bookmarks) {
        const bookmark = this.bookmarkObject(request.info, upTo);
        bookmark.metadata = { ...bookmark.metadata, annotations: { 'k8s.io/initial-events-end': 'true' } };
        if (!this.send(watch, { type: 'BOOKMARK', object: bookmark })) return;
      }
    } else {
      let history: StoreEvent<KubeObject>[];
      try {
        history = store.eventsSince<KubeObject>(watch.keyPrefix, request.fromRevision, upTo);
      } catch (error) {
        if (error instanceof StoreError && error.code === 'Compacted') {
          this.fail(watch, errors.expired(`too old resource version: ${request.fromRevision} (${store.compactRevision})`).status);
          return;
        }
        throw error;
      }
      for (const event of history) {
        if (watch.exactKey !== undefined && event.key !== watch.exactKey) continue;
        stampRevision(event);
        const out = this.translate(watch, event);
        if (out && !this.send(watch, out)) return;
      }
    }
    this.follow(watch);
  }

  private resourceWatches(resource: string): ResourceWatches {
    let entry = this.byResource.get(resource);
    if (!entry) {
      const info = RESOURCE_BY_PREFIX.get(resource);
      const indexedField = info ? INDEXED_FIELDS[`${info.group}/${info.resource}`] : undefined;
      entry = { info, indexedField, byPrefix: new Map(), byField: new Map() };
      this.byResource.set(resource, entry);
    }
    return entry;
  }

  /** Adds a watch to the live index, under its pinned field value when it has one. */
  private follow(watch: ActiveWatch): void {
    const entry = this.resourceWatches(resourcePrefixOf(watch.keyPrefix));
    const pinned = entry.indexedField !== undefined ? watch.request.filter.exactField(entry.indexedField) : undefined;
    watch.unfollow = pinned !== undefined ? addTo(entry.byField, pinned, watch) : addTo(entry.byPrefix, watch.keyPrefix, watch);
    this.live.add(watch);
  }

  /** The event a watch sees for a store event, given its selectors (objects moving in or out). */
  private translate(watch: ActiveWatch, event: StoreEvent<KubeObject>): HubEvent | null {
    return watchTransition(watch.request.filter, event.type === 'delete', event.value, event.prevValue);
  }

  /** The index buckets that may hold watches concerned with an event on `key`. */
  private bucketsFor(entry: ResourceWatches, resource: string, key: string, event: StoreEvent<KubeObject>): Set<ActiveWatch>[] {
    const buckets: Set<ActiveWatch>[] = [];
    const push = (set: Set<ActiveWatch> | undefined): void => {
      if (set && set.size > 0) buckets.push(set);
    };
    push(entry.byPrefix.get(resource));
    const parent = parentPrefixOf(key);
    if (parent !== resource) push(entry.byPrefix.get(parent));
    push(entry.byPrefix.get(key));
    if (entry.indexedField !== undefined && entry.info !== undefined && entry.byField.size > 0) {
      const field = entry.indexedField;
      const now = event.value ? (fieldSetOf(entry.info, event.value)[field] ?? '') : undefined;
      const before = event.prevValue ? (fieldSetOf(entry.info, event.prevValue)[field] ?? '') : undefined;
      if (now !== undefined) push(entry.byField.get(now));
      if (before !== undefined && before !== now) push(entry.byField.get(before));
    }
    return buckets;
  }

  private dispatch(events: StoreEvent[]): void {
    try {
      this.dispatchEvents(events);
    } catch (error) {
      // Whatever went wrong, the store's commit notifications must keep flowing to the others.
      this.options.log.error({ err: error }, 'dispatching watch events failed');
    }
  }

  private dispatchEvents(events: StoreEvent[]): void {
    for (const raw of events) {
      const resource = resourcePrefixOf(raw.key);
      const entry = this.byResource.get(resource);
      if (!entry) continue;
      const event = raw as StoreEvent<KubeObject>;
      const buckets = this.bucketsFor(entry, resource, raw.key, event);
      if (buckets.length === 0) continue;
      stampRevision(event);
      // Watches that see the same translation share one HubEvent, so its encodings are made once.
      const variants = new Map<string, HubEvent>();
      for (const watches of buckets) {
        for (const watch of watches) {
          if (!raw.key.startsWith(watch.keyPrefix)) continue;
          if (watch.exactKey !== undefined && raw.key !== watch.exactKey) continue;
          let out: HubEvent | null;
          try {
            out = this.translate(watch, event);
          } catch (error) {
            this.options.log.error({ err: error, resource: watch.request.info.resource, watch: watch.id }, 'a watch could not filter an event');
            this.fail(watch, errors.internal(`the watch could not filter an event: ${(error as Error)?.message ?? String(error)}`).status);
            continue;
          }
          if (!out) continue;
          const variant = `${out.type}:${out.object === event.value ? 'now' : 'before'}`;
          let shared = variants.get(variant);
          if (!shared) variants.set(variant, (shared = out));
          this.send(watch, shared);
        }
      }
    }
  }

  private bookmarkObject(info: ResourceInfo, revision: number): KubeObject {
    return { kind: info.kind, apiVersion: apiVersionOf(info), metadata: { resourceVersion: String(revision) } };
  }

  private sendBookmarks(): void {
    const revision = this.options.store.revision;
    for (const watch of this.live) {
      if (!watch.request.bookmarks) continue;
      this.send(watch, { type: 'BOOKMARK', object: this.bookmarkObject(watch.request.info, revision) });
    }
  }

  /**
   * Writes one event; a consumer that cannot keep up is cut off so it relists. An event this
   * watch cannot encode ends this watch with an ERROR event, and only this watch.
   */
  private send(watch: ActiveWatch, event: HubEvent): boolean {
    if (watch.stopped) return false;
    let encoded: string | Buffer;
    try {
      encoded = encodeWith(watch.request.encoder, event);
    } catch (error) {
      this.options.log.error({ err: error, resource: watch.request.info.resource, watch: watch.id }, 'a watch event could not be encoded');
      if (event.type !== 'ERROR') this.fail(watch, errors.internal(`the watch event could not be encoded: ${(error as Error)?.message ?? String(error)}`).status);
      else this.stopWatch(watch);
      return false;
    }
    const ok = watch.request.sink.write(encoded);
    if (!ok) {
      this.options.log.warn({ resource: watch.request.info.resource, watch: watch.id }, 'closing a watch whose client fell behind');
      this.stopWatch(watch);
    }
    return ok;
  }

  private fail(watch: ActiveWatch, status: Status): void {
    this.send(watch, { type: 'ERROR', object: status as unknown as KubeObject });
    this.stopWatch(watch);
  }

  private stopWatch(watch: ActiveWatch): void {
    if (watch.stopped) return;
    watch.unfollow?.();
    watch.unfollow = undefined;
    this.live.delete(watch);
    this.finish(watch);
  }

  private finish(watch: ActiveWatch): void {
    if (watch.stopped) return;
    watch.stopped = true;
    watch.request.sink.end();
  }
}
