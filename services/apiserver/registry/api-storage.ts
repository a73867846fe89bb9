// The storage of every served resource: one ResourceStore per entry of the resource table, each
// with its kind's strategy, sharing the store, the clock, admission and the watch hub.
// The HTTP layer finds a resource's storage here and calls nothing else.
import { conversionOf } from '../../../lib/api/conversion/index.js';
import { RESOURCES, type ResourceInfo } from '../../../lib/api/resources.js';
import type { Store } from '../../../lib/native/store.js';
import type { WatchHub } from '../watch/watch-hub.js';
import type { AdmissionChain } from '../admission/chain.js';
import { ResourceStore } from './resource-store.js';
import { strategyOf } from './strategies/index.js';
import type { WriteHooks } from './write-hooks.js';

export interface ApiStorageDeps {
  store: Store;
  clock: () => Date;
  admission: AdmissionChain;
  hub: WatchHub;
  /** Allocations that commit with a kind's writes, by kind (Service: cluster IPs and node ports). */
  hooks: ReadonlyMap<string, WriteHooks>;
}

export class ApiStorage {
  private readonly stores = new Map<ResourceInfo, ResourceStore>();

  constructor(deps: ApiStorageDeps) {
    for (const info of RESOURCES) {
      const hooks = deps.hooks.get(info.kind);
      const conversion = conversionOf(info);
      this.stores.set(
        info,
        new ResourceStore({ store: deps.store, clock: deps.clock, strategy: strategyOf(info), admission: deps.admission, hub: deps.hub, ...(hooks ? { hooks } : {}), ...(conversion ? { conversion } : {}) }),
      );
    }
  }

  /** The storage of a served resource. */
  for(info: ResourceInfo): ResourceStore {
    const store = this.stores.get(info);
    if (!store) throw new Error(`${info.resource} has no storage`);
    return store;
  }
}
