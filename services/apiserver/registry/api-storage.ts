// The storage of every served resource: one ResourceStore per entry of the resource table, each
// with its kind's strategy, sharing the store, the clock, admission and the watch hub.
// The HTTP layer finds a resource's storage here and calls nothing else.
import { conversionOf } from '../../../lib/api/conversion/index.js';
import { findResource, RESOURCES, type ResourceInfo } from '../../../lib/api/resources.js';
import { checkObject, type CheckResult, type FieldValidation } from '../../../lib/api/schema/strict-decoding.js';
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

/** Resources served beside the table's (custom resources): found by their path, each with its storage. */
export interface ResourceSource {
  find(group: string, version: string, resource: string): ResourceInfo | undefined;
  storeFor(info: ResourceInfo): ResourceStore | undefined;
  /** fieldValidation of a body for one of its resources; undefined for a resource it does not serve. */
  checkObject(info: ResourceInfo, obj: unknown, mode: FieldValidation, duplicates?: readonly string[]): CheckResult | undefined;
}

export class ApiStorage {
  private readonly stores = new Map<ResourceInfo, ResourceStore>();
  private readonly sources: ResourceSource[] = [];

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

  /** Whether a resource is one of the table's (the others, custom resources, have no Go types behind them). */
  builtIn(info: ResourceInfo): boolean {
    return this.stores.has(info);
  }

  /** Serves a source's resources too. */
  extend(source: ResourceSource): void {
    this.sources.push(source);
  }

  /** A served resource by its path segments: the table's, then the sources'. */
  find(group: string, version: string, resource: string): ResourceInfo | undefined {
    return findResource(group, version, resource) ?? this.sources.map((s) => s.find(group, version, resource)).find((info) => info !== undefined);
  }

  /** The storage of a served resource. */
  for(info: ResourceInfo): ResourceStore {
    const store = this.stores.get(info) ?? this.sources.map((s) => s.storeFor(info)).find((found) => found !== undefined);
    if (!store) throw new Error(`${info.resource} has no storage`);
    return store;
  }

  /** fieldValidation of a body sent to a resource: its source's rules, or the OpenAPI definitions'. */
  checkObject(info: ResourceInfo, obj: unknown, mode: FieldValidation, duplicates?: readonly string[]): CheckResult {
    if (!this.stores.has(info)) {
      for (const source of this.sources) {
        const result = source.checkObject(info, obj, mode, duplicates);
        if (result) return result;
      }
    }
    return checkObject(info, obj, mode, duplicates);
  }
}
