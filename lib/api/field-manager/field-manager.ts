// The field manager of one resource: the managedFields an Update (create, update, any patch)
// leaves on the object, and server-side apply — merge of the applied configuration, removal of
// the fields the manager stopped applying when no one else owns them, conflicts with other
// managers (409 unless forced), shared ownership when values agree — as Kubernetes'
// structured-merge-diff defines them.
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../object.js';
import { failure, type StatusError } from '../status.js';
import { fieldElement, FieldSet, formatPath, type FieldPath } from './field-set.js';
import { decodeManagedFields, describeManager, encodeManagedFields, ManagedFieldsError, managerId, type ManagerEntry, type Managers } from './managed-fields.js';
import type { FieldType } from './schema.js';
import { addedFieldsV1, compare, merge, removeAt, toFieldSet } from './typed-value.js';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
export const BEFORE_FIRST_APPLY = 'before-first-apply';

/** The metadata fields no manager owns: the object's identity and what the server keeps. */
const STRIPPED_META: ReadonlySet<string> = new Set(['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'generation', 'managedFields', 'resourceVersion', 'deletionTimestamp', 'deletionGracePeriodSeconds']);

/** Fields no manager owns, as a set: apiVersion, kind, metadata itself and STRIPPED_META. */
const STRIPPED = (() => {
  const set = new FieldSet();
  set.insert(['f:apiVersion']);
  set.insert(['f:kind']);
  set.insert(['f:metadata']);
  for (const field of STRIPPED_META) set.insert(['f:metadata', fieldElement(field)]);
  return set;
})();

export interface FieldManagerOptions {
  type: FieldType;
  /** The apiVersion managers of this resource are recorded with. */
  apiVersion: string;
  /** Whether the resource has a status subresource: then the main resource does not own status, and status owns nothing else. */
  hasStatus: boolean;
}

export interface ApplyResult {
  object: KubeObject;
  /** Whether the apply changed neither the object nor anyone's fields. */
  unchanged: boolean;
}

export interface Conflict {
  manager: ManagerEntry;
  path: FieldPath;
}

function withoutManagedFields(obj: KubeObject | undefined): KubeObject {
  if (!obj) return {} as KubeObject;
  if (obj.metadata?.managedFields === undefined) return obj;
  const { managedFields: _m, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

function decodeOrEmpty(entries: unknown): Managers {
  try {
    return decodeManagedFields(entries);
  } catch (error) {
    if (error instanceof ManagedFieldsError) return new Map();
    throw error;
  }
}

/** Kubernetes' 409 for apply conflicts: one cause per field, the message as kube-apiserver words it. */
export function conflictError(conflicts: readonly Conflict[]): StatusError {
  const causes = conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${describeManager(c.manager)}`, field: formatPath(c.path) }));
  let message: string;
  if (conflicts.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${describeManager(conflicts[0]!.manager)}: ${formatPath(conflicts[0]!.path)}`;
  } else {
    const byManager = new Map<string, string[]>();
    for (const c of conflicts) {
      const name = describeManager(c.manager);
      byManager.set(name, [...(byManager.get(name) ?? []), formatPath(c.path)]);
    }
    const lines: string[] = [];
    for (const name of [...byManager.keys()].sort()) {
      lines.push(`conflicts with ${name}:`);
      for (const path of byManager.get(name)!) lines.push(`- ${path}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return failure(409, 'Conflict', message, { causes });
}

/** The fields of `changed` that managers other than `id` own: each a conflict. */
function conflictsWith(managers: Managers, id: string, changed: FieldSet): Conflict[] {
  const conflicts: Conflict[] = [];
  for (const [other, entry] of managers) {
    if (other === id) continue;
    for (const path of entry.set.intersection(changed).paths()) conflicts.push({ manager: entry, path });
  }
  return conflicts;
}

/** At most this many Update entries are kept; older ones are merged into ANCIENT_CHANGES, as Kubernetes does. */
export const MAX_UPDATE_MANAGERS = 10;
export const ANCIENT_CHANGES = 'ancient-changes';

/** Merges the oldest Update entries into one `ancient-changes` entry (per apiVersion) until at most MAX_UPDATE_MANAGERS remain. */
function capUpdateManagers(managers: Managers): void {
  const updates = [...managers].filter(([, entry]) => entry.operation === 'Update' && !entry.set.isEmpty());
  if (updates.length <= MAX_UPDATE_MANAGERS) return;
  updates.sort(([, a], [, b]) => ((a.time ?? '') < (b.time ?? '') ? -1 : (a.time ?? '') > (b.time ?? '') ? 1 : 0));
  let excess = updates.length - MAX_UPDATE_MANAGERS;
  for (const [id, entry] of updates) {
    if (excess <= 0) break;
    if (entry.manager === ANCIENT_CHANGES && entry.subresource === undefined) continue;
    const bucketId = managerId(ANCIENT_CHANGES, 'Update', entry.apiVersion, undefined);
    const bucket = managers.get(bucketId);
    managers.delete(id);
    if (bucket) {
      bucket.set = bucket.set.union(entry.set);
      if ((entry.time ?? '') > (bucket.time ?? '')) bucket.time = entry.time;
      excess--;
    } else {
      // The entry becomes the bucket: one entry fewer only once another joins it.
      managers.set(bucketId, { manager: ANCIENT_CHANGES, operation: 'Update', apiVersion: entry.apiVersion, set: entry.set, ...(entry.time !== undefined ? { time: entry.time } : {}) });
    }
  }
}

export class FieldManager {
  constructor(private readonly options: FieldManagerOptions) {}

  /** The part of a field set a write to `subresource` records. */
  private owned(set: FieldSet, subresource: string | undefined): FieldSet {
    const out = set.difference(STRIPPED);
    if (!this.options.hasStatus || subresource === 'scale') return out;
    if (subresource === 'status') {
      const status = new FieldSet();
      const part = out.get('f:status');
      if (part) status.children = new Map([['f:status', part]]);
      return status;
    }
    if (subresource === undefined) out.children?.delete('f:status');
    return out;
  }

  /**
   * managedFields after an Update by `manager` from `live` (absent on create) to `next`: the
   * manager gains what it added or changed, others lose it, and removed fields go from everyone.
   * The entry's time moves when the manager adds, changes or removes a field, as Kubernetes documents.
   * managedFields the request itself changed are taken as the starting point (as Kubernetes lets
   * clients reset or rewrite them); otherwise the live object's.
   */
  updated(live: KubeObject | undefined, next: KubeObject, manager: string, subresource: string | undefined, now: string, incoming: unknown = next.metadata?.managedFields): Record<string, unknown>[] {
    if (live === undefined && incoming === undefined && subresource === undefined) return this.created(next, manager, now);
    const liveFields = live?.metadata?.managedFields;
    let managers = decodeOrEmpty(liveFields);
    if (incoming !== undefined && !isDeepStrictEqual(incoming, liveFields)) {
      try {
        managers = decodeManagedFields(incoming);
      } catch (error) {
        if (!(error instanceof ManagedFieldsError)) throw error;
      }
    }
    const diff = compare(withoutManagedFields(live), withoutManagedFields(next), this.options.type);
    const changed = this.owned(diff.added.union(diff.modified), subresource);
    const removed = this.owned(diff.removed, subresource);
    const id = managerId(manager, 'Update', this.options.apiVersion, subresource);
    for (const [other, entry] of managers) {
      if (other !== id) entry.set = entry.set.difference(removed).difference(changed);
    }
    const prior = managers.get(id);
    const set = (prior?.set ?? new FieldSet()).union(changed).difference(removed);
    const entry: ManagerEntry = { manager, operation: 'Update', apiVersion: this.options.apiVersion, set, time: prior && changed.isEmpty() && prior.set.equals(set) ? prior.time ?? now : now };
    if (subresource !== undefined) entry.subresource = subresource;
    managers.set(id, entry);
    capUpdateManagers(managers);
    return encodeManagedFields(managers);
  }

  /** A create's managedFields: its manager owns everything it wrote (the same as updated() from nothing, built directly). */
  private created(next: KubeObject, manager: string, now: string): Record<string, unknown>[] {
    const fieldsV1 = addedFieldsV1(next, this.options.type, this.skipOnCreate);
    if (Object.keys(fieldsV1).length === 0) return [];
    const entry: Record<string, unknown> = manager !== '' ? { manager, operation: 'Update' } : { operation: 'Update' };
    entry.apiVersion = this.options.apiVersion;
    entry.time = now;
    entry.fieldsType = 'FieldsV1';
    entry.fieldsV1 = fieldsV1;
    return [entry];
  }

  /** The fields of a create no manager owns: identity, managedFields, and status when a subresource owns it. */
  private readonly skipOnCreate = (depth: number, parent: string | undefined, name: string): boolean => {
    if (depth === 0) return name === 'apiVersion' || name === 'kind' || (this.options.hasStatus && name === 'status');
    return depth === 1 && parent === 'metadata' && STRIPPED_META.has(name);
  };

  /**
   * managedFields after an apply through the scale subresource, which set the field at
   * `replicasPath` of `live` to give `next`: the manager owns that field (as an Apply entry of
   * subresource scale); another manager owning it with another value is a conflict unless forced.
   */
  appliedScale(live: KubeObject, next: KubeObject, manager: string, replicasPath: FieldPath, force: boolean, now: string): Record<string, unknown>[] {
    const managers = decodeOrEmpty(live.metadata?.managedFields);
    const diff = compare(withoutManagedFields(live), withoutManagedFields(next), this.options.type);
    const changed = this.owned(diff.added.union(diff.modified), 'scale');
    const id = managerId(manager, 'Apply', this.options.apiVersion, 'scale');
    const conflicts = conflictsWith(managers, id, changed);
    if (conflicts.length > 0 && !force) throw conflictError(conflicts);
    for (const [other, entry] of managers) if (other !== id) entry.set = entry.set.difference(changed);
    const set = new FieldSet();
    set.insert(replicasPath);
    const prior = managers.get(id);
    managers.set(id, { manager, operation: 'Apply', apiVersion: this.options.apiVersion, set, subresource: 'scale', time: prior && changed.isEmpty() ? prior.time ?? now : now });
    return encodeManagedFields(managers);
  }

  /**
   * Server-side apply of `config` by `manager` to `live` (absent: the object is created). Throws
   * the 409 of the conflicts unless `force`; conflicts only with fields the object's
   * last-applied-configuration set are taken over, as a client-side apply upgrading to
   * server-side apply expects.
   */
  apply(live: KubeObject | undefined, config: KubeObject, manager: string, subresource: string | undefined, force: boolean, now: string): ApplyResult {
    const { type } = this.options;
    const base = withoutManagedFields(live);
    const managers = decodeOrEmpty(live?.metadata?.managedFields);
    if (live && managers.size === 0) {
      // An object no one manages yet: what it holds belongs to a manager of its own.
      const set = this.owned(toFieldSet(base, type), undefined);
      managers.set(managerId(BEFORE_FIRST_APPLY, 'Update', this.options.apiVersion, undefined), { manager: BEFORE_FIRST_APPLY, operation: 'Update', apiVersion: this.options.apiVersion, set });
    }
    const configSet = this.owned(toFieldSet(config, type), subresource);
    const merged = merge(base, config, type) as KubeObject;
    const id = managerId(manager, 'Apply', this.options.apiVersion, subresource);
    const prior = managers.get(id);
    if (prior) this.prune(merged, prior.set.difference(configSet), configSet, managers, id);

    const diff = compare(base, merged, type);
    const changed = this.owned(diff.added.union(diff.modified), subresource);
    const removed = this.owned(diff.removed, subresource);
    const conflicts = conflictsWith(managers, id, changed);
    if (conflicts.length > 0 && !force && !this.allowedByLastApplied(live, conflicts)) throw conflictError(conflicts);

    let othersChanged = false;
    for (const [other, entry] of managers) {
      if (other === id) continue;
      const rest = entry.set.difference(removed).difference(changed);
      if (!rest.equals(entry.set)) othersChanged = true;
      entry.set = rest;
    }
    const unchanged = isDeepStrictEqual(merged, base) && !othersChanged && prior !== undefined && prior.set.equals(configSet);
    const entry: ManagerEntry = { manager, operation: 'Apply', apiVersion: this.options.apiVersion, set: configSet, time: unchanged ? prior?.time ?? now : now };
    if (subresource !== undefined) entry.subresource = subresource;
    managers.set(id, entry);
    const entries = encodeManagedFields(managers);
    if (entries.length > 0) (merged.metadata ??= {}).managedFields = entries;
    else if (merged.metadata) delete merged.metadata.managedFields;
    return { object: merged, unchanged };
  }

  /** Removes from `merged` the fields the manager stopped applying that no one else owns. */
  private prune(merged: KubeObject, dropped: FieldSet, applied: FieldSet, managers: Managers, id: string): void {
    if (dropped.isEmpty()) return;
    let others = new FieldSet();
    for (const [other, entry] of managers) if (other !== id) others = others.union(entry.set);
    const keep = applied.union(others);
    // Outermost first: a removed list item takes its fields with it.
    const paths = [...dropped.paths()].sort((a, b) => a.length - b.length);
    const removed: FieldPath[] = [];
    for (const path of paths) {
      // Kept: a field someone still applies or owns, or that lies in a value another manager owns whole.
      if (keep.coversOrBelow(path) || others.leafAbove(path)) continue;
      if (removed.some((done) => done.every((element, i) => path[i] === element))) continue;
      removeAt(merged, path, this.options.type, keep);
      removed.push(path);
    }
  }

  /** Whether every conflict is on a field the last client-side apply set. */
  private allowedByLastApplied(live: KubeObject | undefined, conflicts: readonly Conflict[]): boolean {
    const text = live?.metadata?.annotations?.[LAST_APPLIED];
    if (typeof text !== 'string') return false;
    let last: unknown;
    try {
      last = JSON.parse(text);
    } catch {
      return false;
    }
    const set = toFieldSet(last, this.options.type);
    return conflicts.every((c) => set.has(c.path));
  }
}
