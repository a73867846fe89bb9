// client-go's Reflector: lists a resource from the apiserver, then follows the watch bus from the
// list's resourceVersion, feeding both into a store. When the bus cannot prove continuity
// (WatchGoneError: 410, a gap, a trimmed stream, a restarted Redis) it relists; when a watch
// merely ends it watches again from the last resourceVersion seen; other failures back off.
import type { KubeObject } from '../api/object.js';
import { apiVersionOf, type ResourceInfo } from '../api/resources.js';
import { isWatchGone, type BusEvent, type WatchBus } from '../bus/bus.js';
import type { Logger } from '../observe/logger.js';
import { backoffDelay, type BackoffOptions } from './backoff.js';
import { realClock, type Clock } from './clock.js';
import type { RestClient } from './rest-client.js';

/** Where a reflector puts what it learns; called in order, never concurrently. */
export interface ReflectorStore<T extends KubeObject> {
  /** The full state at `resourceVersion`, after a list. */
  replace(items: T[], resourceVersion: string): void;
  /** One change (ADDED, MODIFIED or DELETED). */
  apply(event: BusEvent<T>): void;
}

export interface ReflectorConfig {
  client: RestClient;
  bus: WatchBus;
  resource: ResourceInfo;
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Objects per list page (default 500). */
  pageSize?: number;
  clock?: Clock;
  log?: Logger;
  backoff?: BackoffOptions;
}

const FAILURE_BACKOFF: BackoffOptions = { initialMs: 800, maxMs: 30_000, jitter: 0.2 };
/** A watch that ends sooner than this without an event counts as a failure (no hot loop). */
const SHORT_WATCH_MS = 1000;

export class Reflector<T extends KubeObject = KubeObject> {
  private resourceVersion = '';
  private listCount = 0;
  private readonly clock: Clock;

  constructor(
    private readonly config: ReflectorConfig,
    private readonly store: ReflectorStore<T>,
  ) {
    this.clock = config.clock ?? realClock;
  }

  /** The resourceVersion of the last list, event or bookmark applied. */
  get lastSyncResourceVersion(): string {
    return this.resourceVersion;
  }

  /** Lists made so far (the first included). */
  get lists(): number {
    return this.listCount;
  }

  /** Lists and watches until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    const { resource, log } = this.config;
    let needList = true;
    let failures = 0;
    while (!signal.aborted) {
      try {
        if (needList) {
          await this.list(signal);
          needList = false;
        }
        const started = this.clock.now();
        const progressed = await this.watch(signal);
        if (progressed || this.clock.now() - started >= SHORT_WATCH_MS) failures = 0;
        else await this.clock.sleep(backoffDelay(failures++, this.config.backoff ?? FAILURE_BACKOFF), signal);
      } catch (error) {
        if (signal.aborted) break;
        if (isWatchGone(error)) {
          log?.info({ resource: resource.resource, reason: error.reason, resourceVersion: this.resourceVersion }, `relisting: ${error.message}`);
          needList = true;
          // Relisting right away is what client-go does; back off only when it keeps happening.
          if (failures > 0) await this.clock.sleep(backoffDelay(failures - 1, this.config.backoff ?? FAILURE_BACKOFF), signal).catch(() => undefined);
          failures++;
          continue;
        }
        log?.warn({ resource: resource.resource, err: (error as Error)?.message }, 'list or watch failed; retrying');
        await this.clock.sleep(backoffDelay(failures++, this.config.backoff ?? FAILURE_BACKOFF), signal).catch(() => undefined);
      }
    }
  }

  private async list(signal: AbortSignal): Promise<void> {
    const { client, resource, namespace, labelSelector, fieldSelector, pageSize } = this.config;
    const list = await client.listAll<T>(resource, { namespace, labelSelector, fieldSelector, pageSize, signal });
    const apiVersion = apiVersionOf(resource);
    // List items may leave out kind and apiVersion; the cache holds whole objects.
    for (const item of list.items) {
      item.kind ??= resource.kind;
      item.apiVersion ??= apiVersion;
    }
    const resourceVersion = list.metadata.resourceVersion ?? '';
    this.store.replace(list.items, resourceVersion);
    this.resourceVersion = resourceVersion;
    this.listCount++;
  }

  /** Follows one bus watch to its end; true when it delivered anything. */
  private async watch(signal: AbortSignal): Promise<boolean> {
    const { bus, resource, namespace, labelSelector, fieldSelector } = this.config;
    const watch = bus.watch<T>({ resource, namespace, labelSelector, fieldSelector, resourceVersion: this.resourceVersion, bookmarks: true });
    const onAbort = (): void => watch.close();
    signal.addEventListener('abort', onAbort, { once: true });
    let progressed = false;
    try {
      for await (const event of watch) {
        if (signal.aborted) break;
        progressed = true;
        if (event.type !== 'BOOKMARK') this.store.apply(event);
        if (event.resourceVersion !== '') this.resourceVersion = event.resourceVersion;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      watch.close();
    }
    return progressed;
  }
}
