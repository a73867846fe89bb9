// The apiserver's own controller for CustomResourceDefinitions (kube-apiserver's naming,
// establishing and finalizing controllers in one): a new or changed definition gets its
// acceptedNames and the NamesAccepted condition (False when another definition of the group, or a
// built-in resource, already has its plural or kind), then Established, and storedVersions; a
// deleted one is Terminating until every object of it is deleted, then loses its
// customresourcecleanup finalizer and is gone. Works from the store's commit stream, key by key.
import { isDeepStrictEqual } from 'node:util';
import type { Logger } from '../../../lib/observe/logger.js';
import type { KubeObject } from '../../../lib/api/object.js';
import { isPlainObject } from '../../../lib/api/object.js';
import { RESOURCES, storagePrefix } from '../../../lib/api/resources.js';
import type { Store } from '../../../lib/native/store.js';
import { followPrefix } from '../admission/follow-prefix.js';
import type { ApiStorage } from './api-storage.js';
import { DEFINITIONS, type CustomResources } from './custom-resources.js';
import { parseListOptions } from './list-options.js';
import { formatTime } from './object-meta.js';
import { CRD_CLEANUP_FINALIZER } from './strategies/customresourcedefinition.js';

type Rec = Record<string, unknown>;
const PREFIX = storagePrefix(DEFINITIONS);
const MERGE_PATCH = 'application/merge-patch+json';

interface Condition {
  type: string;
  status: 'True' | 'False';
  reason: string;
  message: string;
  lastTransitionTime?: string;
}

function rec(value: unknown): Rec {
  return isPlainObject(value) ? value : {};
}

function namesOf(crd: Rec): Rec {
  return rec(rec(crd.spec).names);
}

/** Why a definition's names cannot be accepted, or undefined. */
function nameConflict(crd: Rec, others: readonly Rec[]): string | undefined {
  const group = rec(crd.spec).group;
  const names = namesOf(crd);
  for (const builtin of RESOURCES) {
    if (builtin.group !== group) continue;
    if (builtin.resource === names.plural) return `"${String(names.plural)}" is already in use`;
    if (builtin.kind === names.kind) return `"${String(names.kind)}" is already in use`;
  }
  for (const other of others) {
    if (rec(other.spec).group !== group || rec(other.metadata).name === rec(crd.metadata).name) continue;
    const accepted = rec(rec(other.status).acceptedNames);
    if (accepted.plural === names.plural) return `"${String(names.plural)}" is already in use`;
    if (accepted.kind === names.kind) return `"${String(names.kind)}" is already in use`;
    if (Array.isArray(accepted.shortNames) && Array.isArray(names.shortNames)) {
      const taken = names.shortNames.find((s) => (accepted.shortNames as unknown[]).includes(s));
      if (taken !== undefined) return `"${String(taken)}" is already in use`;
    }
  }
  return undefined;
}

function setCondition(conditions: Condition[], next: Condition, now: string): Condition[] {
  const existing = conditions.find((c) => c.type === next.type);
  const stamped = { ...next, lastTransitionTime: existing && existing.status === next.status ? existing.lastTransitionTime ?? now : now };
  return [...conditions.filter((c) => c.type !== next.type), stamped];
}

export interface DefinitionControllerDeps {
  store: Store;
  storage: ApiStorage;
  customResources: CustomResources;
  clock: () => Date;
  log: Logger;
}

export class DefinitionController {
  private readonly queue = new Set<string>();
  private running = false;
  private closed = false;
  private readonly unsubscribe: () => void;
  private retry: NodeJS.Timeout | undefined;

  constructor(private readonly deps: DefinitionControllerDeps) {
    this.unsubscribe = followPrefix(deps.store, PREFIX, { clear: () => {}, put: (key) => this.enqueue(key.slice(PREFIX.length)), remove: () => {} });
  }

  close(): void {
    this.closed = true;
    this.unsubscribe();
    if (this.retry) clearTimeout(this.retry);
  }

  private enqueue(name: string): void {
    this.queue.add(name);
    if (!this.running) {
      this.running = true;
      setImmediate(() => void this.drain());
    }
  }

  private async drain(): Promise<void> {
    while (this.queue.size > 0 && !this.closed) {
      const name = this.queue.values().next().value as string;
      this.queue.delete(name);
      try {
        await this.reconcile(name);
      } catch (error) {
        this.deps.log.warn({ err: error, resource: 'customresourcedefinitions', name }, 'reconciling a CustomResourceDefinition failed; retrying');
        this.retry = setTimeout(() => this.enqueue(name), 1000);
        this.retry.unref();
      }
    }
    this.running = false;
  }

  private definitions() {
    return this.deps.storage.for(DEFINITIONS);
  }

  private async reconcile(name: string): Promise<void> {
    const kv = this.deps.store.get<KubeObject>(`${PREFIX}${name}`);
    if (!kv) return;
    const crd = kv.value as Rec;
    if (rec(crd.metadata).deletionTimestamp !== undefined) return this.finalize(name, crd);
    await this.updateStatus(name, crd);
  }

  /** acceptedNames, NamesAccepted, Established and storedVersions, written only when they change. */
  private async updateStatus(name: string, crd: Rec): Promise<void> {
    const now = formatTime(this.deps.clock());
    const others = this.deps.store.range<KubeObject>(PREFIX, {}).kvs.map((kv) => kv.value as Rec);
    const status = rec(crd.status);
    let conditions = (Array.isArray(status.conditions) ? status.conditions : []) as Condition[];
    const conflict = nameConflict(crd, others);
    const accepted = conflict === undefined ? namesOf(crd) : rec(status.acceptedNames);
    conditions = setCondition(
      conditions,
      conflict === undefined
        ? { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' }
        : { type: 'NamesAccepted', status: 'False', reason: 'NameConflict', message: conflict },
      now,
    );
    const wasEstablished = conditions.some((c) => c.type === 'Established' && c.status === 'True');
    if (conflict === undefined || wasEstablished) {
      conditions = setCondition(conditions, { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' }, now);
    } else {
      conditions = setCondition(conditions, { type: 'Established', status: 'False', reason: 'NotAccepted', message: 'not all names are accepted' }, now);
    }
    const versions = Array.isArray(rec(crd.spec).versions) ? (rec(crd.spec).versions as unknown[]).filter(isPlainObject) : [];
    const storage = versions.find((v) => v.storage === true)?.name;
    const stored = Array.isArray(status.storedVersions) ? (status.storedVersions as string[]) : [];
    const storedVersions = typeof storage === 'string' && !stored.includes(storage) ? [...stored, storage] : stored;
    const order = ['NamesAccepted', 'Established', 'Terminating'];
    conditions.sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
    const next = { ...status, acceptedNames: accepted, conditions, storedVersions };
    if (isDeepStrictEqual(next, status)) return;
    await this.definitions().patch({ namespace: undefined, name }, MERGE_PATCH, { status: next }, { dryRun: false }, () => {}, 'status');
  }

  /** Deletes every object of the definition, then lets the definition go. */
  private async finalize(name: string, crd: Rec): Promise<void> {
    const finalizers = (rec(crd.metadata).finalizers ?? []) as string[];
    if (!finalizers.includes(CRD_CLEANUP_FINALIZER)) return;
    const status = rec(crd.status);
    const conditions = (Array.isArray(status.conditions) ? status.conditions : []) as Condition[];
    if (!conditions.some((c) => c.type === 'Terminating' && c.status === 'True')) {
      const terminating = setCondition(conditions, { type: 'Terminating', status: 'True', reason: 'InstanceDeletionInProgress', message: 'CustomResource deletion is in progress' }, formatTime(this.deps.clock()));
      await this.definitions().patch({ namespace: undefined, name }, MERGE_PATCH, { status: { conditions: terminating } }, { dryRun: false }, () => {}, 'status');
    }
    const versions = this.deps.customResources.versionsOf(name);
    const storage = versions[0]?.storage;
    if (storage) {
      const listOptions = parseListOptions({});
      await storage.deleteCollection(undefined, listOptions, { dryRun: false });
      const left = await storage.list(undefined, listOptions);
      if (left.items.length > 0) throw new Error(`${left.items.length} objects of ${name} are still being deleted`);
    }
    const current = await this.definitions().get({ namespace: undefined, name });
    const remaining = (current.metadata.finalizers ?? []).filter((f) => f !== CRD_CLEANUP_FINALIZER);
    await this.definitions().patch({ namespace: undefined, name }, MERGE_PATCH, { metadata: { finalizers: remaining.length > 0 ? remaining : null, resourceVersion: current.metadata.resourceVersion } }, { dryRun: false }, () => {});
  }
}
