// client-go's SharedInformerFactory: one informer per resource whatever the number of
// controllers reading it, so the process lists and watches each resource once. Controllers ask
// for informers while they are built; start() starts every informer asked for.
import type { KubeObject } from '../../lib/api/object.js';
import type { ResourceInfo } from '../../lib/api/resources.js';
import type { WatchBus } from '../../lib/bus/bus.js';
import type { Clock } from '../../lib/client/clock.js';
import type { IndexFunc } from '../../lib/client/indexer.js';
import { Informer } from '../../lib/client/informer.js';
import type { RestClient } from '../../lib/client/rest-client.js';
import type { Logger } from '../../lib/observe/logger.js';

export interface SharedInformersDeps {
  client: RestClient;
  bus: WatchBus;
  clock: Clock;
  log: Logger;
}

/** Indexes objects by the uid of each of their owners. */
export const OWNER_UID_INDEX = 'owner-uid';
export function ownerUidIndex(obj: KubeObject): string[] {
  return (obj.metadata?.ownerReferences ?? []).map((ref) => ref.uid);
}

/** Indexes objects without a controller reference (orphans) by namespace. */
export const ORPHAN_INDEX = 'orphan-namespace';
export function orphanIndex(obj: KubeObject): string[] {
  return obj.metadata?.ownerReferences?.some((ref) => ref.controller === true) ? [] : [obj.metadata?.namespace ?? ''];
}

/** What a controller may claim: the objects it controls and the orphans of its namespace (the others belong to someone else). */
export function claimCandidates<T extends KubeObject>(informer: Informer<T>, owner: KubeObject): T[] {
  return [...informer.indexer.byIndex(OWNER_UID_INDEX, owner.metadata?.uid ?? ''), ...informer.indexer.byIndex(ORPHAN_INDEX, owner.metadata?.namespace ?? '')];
}

/** Indexes objects by their own uid. */
export const UID_INDEX = 'uid';
export function uidIndex(obj: KubeObject): string[] {
  const uid = obj.metadata?.uid;
  return uid ? [uid] : [];
}

export class SharedInformers {
  private readonly informers = new Map<string, Informer<KubeObject>>();
  private started = false;

  constructor(private readonly deps: SharedInformersDeps) {}

  /** The informer of `resource` (created on first use), with the owner-uid, uid and orphan indexes. */
  informerFor<T extends KubeObject = KubeObject>(resource: ResourceInfo): Informer<T> {
    const key = `${resource.group}/${resource.version}/${resource.resource}`;
    let informer = this.informers.get(key);
    if (!informer) {
      const indexers: Record<string, IndexFunc<KubeObject>> = { [OWNER_UID_INDEX]: ownerUidIndex, [UID_INDEX]: uidIndex, [ORPHAN_INDEX]: orphanIndex };
      informer = new Informer<KubeObject>({ ...this.deps, resource, indexers });
      this.informers.set(key, informer);
      if (this.started) informer.start();
    }
    return informer as unknown as Informer<T>;
  }

  start(): void {
    this.started = true;
    for (const informer of this.informers.values()) informer.start();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
  }

  hasSynced(): boolean {
    return [...this.informers.values()].every((i) => i.hasSynced());
  }

  async waitForSync(timeoutMs?: number): Promise<boolean> {
    return (await Promise.all([...this.informers.values()].map((i) => i.waitForSync(timeoutMs)))).every(Boolean);
  }
}
