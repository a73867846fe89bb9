// Fans committed store events out to every open watch. Events arrive once per commit from the
// store, in revision order; each is decoded once, encoded once per wire format, and written to the
// watches whose scope and selectors it concerns. A watch that starts from a resourceVersion first
// replays the store's history after it, then follows live events with no gap and no duplicate
// (JavaScript runs one thing at a time, so nothing commits between the replay and the follow).
import type { KubeObject } from '../../../lib/api/object.js';
import { apiVersionOf, storageKey, storagePrefix, type ResourceInfo } from '../../../lib/api/resources.js';
import { errors, type Status } from '../../../lib/api/status.js';
import { StoreError, type Store, type StoreEvent } from '../../../lib/native/store.js';
import type { Logger } from '../../../lib/observe/logger.js';
import type { ObjectFilter } from '../registry/filter.js';

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
}

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
}

export class WatchHub {
  private readonly byResource = new Map<string, Set<ActiveWatch>>();
  private nextId = 1;
  private readonly unsubscribe: () => void;
  private readonly unsubscribeReset: () => void;
  private readonly bookmarkTimer: NodeJS.Timeout;
  private watchCount = 0;

  constructor(private readonly options: WatchHubOptions) {
    this.unsubscribe = options.store.onCommit((events) => this.dispatch(events));
    // A snapshot replaced this replica's state: no watch can continue without a gap.
    this.unsubscribeReset = options.store.onReset((revision) => this.expireAll(revision));
    this.bookmarkTimer = setInterval(() => this.sendBookmarks(), options.bookmarkIntervalMs);
    this.bookmarkTimer.unref();
  }

  get size(): number {
    return this.watchCount;
  }

  /** Ends every watch with 410 Expired, so clients relist. */
  private expireAll(revision: number): void {
    for (const set of [...this.byResource.values()]) {
      for (const watch of [...set]) this.fail(watch, errors.expired(`the store was restored from a snapshot at revision ${revision}; relist`).status);
    }
  }

  close(): void {
    clearInterval(this.bookmarkTimer);
    this.unsubscribe();
    this.unsubscribeReset();
    for (const set of this.byResource.values()) for (const watch of set) this.finish(watch);
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
    };
    const stop = (): void => this.stopWatch(watch);
    const { store } = this.options;
    if (request.fromRevision !== undefined && request.fromRevision > store.revision) {
      // A resourceVersion from the future: wait briefly for it, as Kubernetes' watch cache does.
      const target = request.fromRevision;
      const timer = setTimeout(() => {
        off();
        this.fail(watch, errors.timeout(`Too large resource version: ${target}, current: ${store.revision}`).status);
      }, 3000);
      const off = store.onCommit(() => {
        if (store.revision < target) return;
        clearTimeout(timer);
        off();
        if (!watch.stopped) this.begin(watch);
      });
      return { id: watch.id, stop: () => {
        clearTimeout(timer);
        off();
        stop();
      } };
    }
    this.begin(watch);
    return { id: watch.id, stop };
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
    const resource = resourcePrefixOf(watch.keyPrefix);
    let set = this.byResource.get(resource);
    if (!set) this.byResource.set(resource, (set = new Set()));
    set.add(watch);
    this.watchCount++;
  }

  /** The event a watch sees for a store event, given its selectors (objects moving in or out). */
  private translate(watch: ActiveWatch, event: StoreEvent<KubeObject>): HubEvent | null {
    const { filter } = watch.request;
    const now = event.value;
    const before = event.prevValue;
    const matchedBefore = before !== null && filter.matches(before);
    if (event.type === 'delete') {
      return matchedBefore ? { type: 'DELETED', object: before } : null;
    }
    if (now === null) return null;
    const matchesNow = filter.matches(now);
    if (matchesNow) return { type: matchedBefore ? 'MODIFIED' : 'ADDED', object: now };
    return matchedBefore ? { type: 'DELETED', object: now } : null;
  }

  private dispatch(events: StoreEvent[]): void {
    for (const raw of events) {
      const watches = this.byResource.get(resourcePrefixOf(raw.key));
      if (!watches || watches.size === 0) continue;
      const event = raw as StoreEvent<KubeObject>;
      stampRevision(event);
      // Watches that see the same translation share one HubEvent, so its encodings are made once.
      const variants = new Map<string, HubEvent>();
      for (const watch of watches) {
        if (!raw.key.startsWith(watch.keyPrefix)) continue;
        if (watch.exactKey !== undefined && raw.key !== watch.exactKey) continue;
        const out = this.translate(watch, event);
        if (!out) continue;
        const variant = `${out.type}:${out.object === event.value ? 'now' : 'before'}`;
        let shared = variants.get(variant);
        if (!shared) variants.set(variant, (shared = out));
        this.send(watch, shared);
      }
    }
  }

  private bookmarkObject(info: ResourceInfo, revision: number): KubeObject {
    return { kind: info.kind, apiVersion: apiVersionOf(info), metadata: { resourceVersion: String(revision) } };
  }

  private sendBookmarks(): void {
    const revision = this.options.store.revision;
    for (const set of this.byResource.values()) {
      for (const watch of set) {
        if (!watch.request.bookmarks) continue;
        this.send(watch, { type: 'BOOKMARK', object: this.bookmarkObject(watch.request.info, revision) });
      }
    }
  }

  /** Writes one event; a consumer that cannot keep up is cut off so it relists. */
  private send(watch: ActiveWatch, event: HubEvent): boolean {
    if (watch.stopped) return false;
    const ok = watch.request.sink.write(encodeWith(watch.request.encoder, event));
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
    const set = this.byResource.get(resourcePrefixOf(watch.keyPrefix));
    if (set?.delete(watch)) this.watchCount--;
    this.finish(watch);
  }

  private finish(watch: ActiveWatch): void {
    if (watch.stopped) return;
    watch.stopped = true;
    watch.request.sink.end();
  }
}
