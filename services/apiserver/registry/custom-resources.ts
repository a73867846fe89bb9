// The custom resources served: every Established CustomResourceDefinition's served versions, each
// with a ResourceStore over the same generic storage as the built-in kinds and the strategy its
// schema drives. Kept current from the store's commit stream, so a definition is served the moment
// its Established condition commits (on every replica), and forgotten when it is deleted.
import type { CustomVersion } from '../../../lib/api/crd/definition.js';
import { isEstablished, servedVersions } from '../../../lib/api/crd/definition.js';
import { pruneCustomObject } from '../../../lib/api/crd/prune.js';
import type { KubeObject } from '../../../lib/api/object.js';
import { apiVersionOf, findResource, storagePrefix, type ResourceInfo } from '../../../lib/api/resources.js';
import type { CheckResult, FieldValidation } from '../../../lib/api/schema/strict-decoding.js';
import type { Store } from '../../../lib/native/store.js';
import { followPrefix } from '../admission/follow-prefix.js';
import type { AdmissionChain } from '../admission/chain.js';
import type { WatchHub } from '../watch/watch-hub.js';
import { ResourceStore } from './resource-store.js';
import { customResourceStrategy } from './strategies/custom-resource.js';

export const DEFINITIONS = findResource('apiextensions.k8s.io', 'v1', 'customresourcedefinitions')!;
const PREFIX = storagePrefix(DEFINITIONS);

export interface CustomResourcesDeps {
  store: Store;
  clock: () => Date;
  admission: AdmissionChain;
  hub: WatchHub;
}

export interface ServedVersion extends CustomVersion {
  readonly storage: ResourceStore;
}

interface Served {
  readonly uid: string;
  readonly resourceVersion: number;
  readonly versions: readonly ServedVersion[];
}

/** Objects are stored in the storage version's apiVersion; conversion None changes only that. */
function apiVersionConversion(info: ResourceInfo, storageVersion: string) {
  const served = apiVersionOf(info);
  const stored = apiVersionOf({ group: info.group, version: storageVersion });
  return {
    toStorage: (obj: KubeObject): KubeObject => ({ ...obj, apiVersion: stored }),
    fromStorage: (obj: KubeObject): KubeObject => (obj.apiVersion === served ? obj : { ...obj, apiVersion: served }),
  };
}

export class CustomResources {
  private readonly byName = new Map<string, Served>();
  private readonly listeners = new Set<() => void>();
  private readonly unfollow: () => void;

  constructor(private readonly deps: CustomResourcesDeps) {
    this.unfollow = followPrefix(deps.store, PREFIX, {
      clear: () => this.byName.clear(),
      put: (key, value, revision) => {
        if (this.record(key.slice(PREFIX.length), value, revision)) this.notify();
      },
      remove: (key) => {
        if (this.byName.delete(key.slice(PREFIX.length))) this.notify();
      },
    });
  }

  close(): void {
    this.unfollow();
  }

  /** Called after the served set changed (the OpenAPI documents are rebuilt then). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  private record(name: string, crd: KubeObject, resourceVersion: number): boolean {
    const before = this.byName.get(name);
    if (!isEstablished(crd as Record<string, unknown>)) return this.byName.delete(name);
    const uid = String(crd.metadata?.uid ?? '');
    const versions = servedVersions(crd as Record<string, unknown>).map((version) => ({
      ...version,
      storage: new ResourceStore({
        store: this.deps.store,
        clock: this.deps.clock,
        strategy: customResourceStrategy(version, crd.metadata?.deletionTimestamp !== undefined),
        admission: this.deps.admission,
        hub: this.deps.hub,
        conversion: apiVersionConversion(version.info, version.storageVersion),
      }),
    }));
    this.byName.set(name, { uid, resourceVersion, versions });
    return before === undefined || before.resourceVersion !== resourceVersion;
  }

  /** Every served version, definitions in name order. */
  versions(): ServedVersion[] {
    return [...this.byName.keys()].sort().flatMap((name) => this.byName.get(name)!.versions);
  }

  resources(): ResourceInfo[] {
    return this.versions().map((v) => v.info);
  }

  private versionOf(info: ResourceInfo): ServedVersion | undefined {
    for (const served of this.byName.values()) {
      const found = served.versions.find((v) => v.info === info);
      if (found) return found;
    }
    return undefined;
  }

  find(group: string, version: string, resource: string): ResourceInfo | undefined {
    for (const served of this.byName.values()) {
      const found = served.versions.find((v) => v.info.group === group && v.info.version === version && v.info.resource === resource);
      if (found) return found.info;
    }
    return undefined;
  }

  /** The versions a definition serves now (empty when it is not established). */
  versionsOf(definitionName: string): readonly ServedVersion[] {
    return this.byName.get(definitionName)?.versions ?? [];
  }

  storeFor(info: ResourceInfo): ResourceStore | undefined {
    return this.versionOf(info)?.storage;
  }

  /**
   * fieldValidation for a custom object: unknown fields are pruned (by the strategy) whatever the
   * mode; Strict refuses them, Warn names each.
   */
  checkObject(info: ResourceInfo, obj: unknown, mode: FieldValidation, duplicates: readonly string[] = []): CheckResult | undefined {
    const version = this.versionOf(info);
    if (!version) return undefined;
    if (typeof obj !== 'object' || obj === null) return { errors: [], warnings: [] };
    const copy = structuredClone(obj) as Record<string, unknown>;
    const unknown = pruneCustomObject(copy, version.schema).map((path) => `unknown field ${JSON.stringify(path)}`);
    const strict = [...duplicates, ...unknown];
    if (strict.length === 0 || mode === 'Ignore') return { errors: [], warnings: [] };
    if (mode === 'Warn') return { errors: [], warnings: strict };
    return {
      errors: strict,
      warnings: [],
      message: `${info.kind} in version ${JSON.stringify(info.version)} cannot be handled as a ${info.kind}: strict decoding error: ${strict.join(', ')}`,
    };
  }
}
