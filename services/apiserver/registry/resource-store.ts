// The storage of one resource, as Kubernetes' genericregistry.Store: get, list, watch, create,
// update, patch, delete and deletecollection of one kind over the MVCC store, the same for every
// kind, asking the kind's strategy where kinds differ. Every write is one store transaction, so
// an object is either fully written or not at all; every write that reads first goes through the
// one guaranteedUpdate (read, compute, compare-and-swap on the modRevision, retry on a lost race).
import { isDeepStrictEqual } from 'node:util';
import { fieldErrors, type FieldError } from '../../../lib/api/field-errors.js';
import type { KubeList, KubeObject, ObjectMeta, StoredObject } from '../../../lib/api/object.js';
import { isPlainObject } from '../../../lib/api/object.js';
import { applyPatch, decodeApplyConfiguration } from '../../../lib/api/patch/index.js';
import { canonicalForm } from '../../../lib/api/canonical-form.js';
import type { Conversion } from '../../../lib/api/conversion/index.js';
import { apiVersionOf, storageKey, type ResourceInfo } from '../../../lib/api/resources.js';
import { errors, type ResourceRef, type StatusError } from '../../../lib/api/status.js';
import type { Store, TxnOp } from '../../../lib/native/store.js';
import type { Watch, WatchEncoder, WatchHub, WatchSink } from '../watch/watch-hub.js';
import { retryOnConflict } from './conflict-retry.js';
import { compileFilter, type ObjectFilter } from './filter.js';
import { listObjects } from './list.js';
import { parseResourceVersion, type ListOptions } from './list-options.js';
import { carryServerMeta, formatTime, generateNameSuffix, prepareCreateMeta, specChanged } from './object-meta.js';
import { awaitReadable } from './read-consistency.js';
import { toStored } from './stored-object.js';
import type { Strategy, SubresourceStrategy } from './strategy.js';
import { NO_EXTRAS, type WriteExtras, type WriteHooks } from './write-hooks.js';
import type { AdmissionChain } from '../admission/chain.js';
import type { AdmissionAttributes, AdmissionOperation } from '../admission/plugin.js';
import type { TokenUser } from '../../../lib/pki/tokens.js';
import { FieldManager } from '../../../lib/api/field-manager/field-manager.js';
import { fieldManagerFor } from './field-managers.js';

export interface WriteOptions {
  dryRun: boolean;
  /** Who asks (for admission); absent for the apiserver's own writes. */
  user?: TokenUser;
  /** Adds a warning to the response (admission webhooks' warnings). */
  warn?: (message: string) => void;
  /** Adds an annotation to the request's audit event (admission plugins' audit annotations). */
  annotate?: (key: string, value: string) => void;
  /** The field manager the write is recorded for in metadata.managedFields; absent: the apiserver's own write, recorded for no one. */
  manager?: string;
  /** Server-side apply: take fields other managers own (?force=true). */
  force?: boolean;
  /** An apply through the scale subresource: the path (FieldsV1 elements) of the replicas it sets. */
  scaleApply?: readonly string[];
}

/** A create whose managedFields an apply already worked out. */
interface CreateOptions extends WriteOptions {
  applied?: boolean;
}

export interface DeleteOptions extends WriteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
  /**
   * Compares and writes that commit in the same transaction as the deletion (an eviction's
   * PodDisruptionBudget update), computed from the object as read on every try; may throw a
   * StatusError to refuse the deletion.
   */
  alongside?: (current: StoredObject) => WriteExtras | Promise<WriteExtras>;
  /** Marks the object as it stays while its deletion is in progress (an evicted pod's DisruptionTarget condition). */
  mark?: (obj: StoredObject) => void;
}

export interface DeleteResult {
  object: StoredObject;
  /** false when deletion was only started (finalizers or a grace period remain): HTTP 202. */
  deleted: boolean;
}

/** One object of the resource: its namespace (for namespaced kinds) and name. */
export interface ObjectRef {
  namespace: string | undefined;
  name: string;
}

/** Starts a watch whose request was checked: its events in `encoder`'s format go to `sink`. */
export type WatchStarter = (encoder: WatchEncoder, sink: WatchSink) => Watch;

export interface ResourceStoreDeps {
  store: Store;
  clock: () => Date;
  strategy: Strategy;
  /** For a resource stored as another version: how its objects convert. */
  conversion?: Conversion;
  /** Allocations that commit with the kind's writes (a Service's cluster IP and node ports). */
  hooks?: WriteHooks;
  admission: AdmissionChain;
  hub: WatchHub;
}

/** What one turn of guaranteedUpdate decided to do with the object it read, and what commits with it. */
type Change = ({ put: KubeObject } | { remove: true } | { keep: true }) & { extras?: WriteExtras };

function joinExtras(a: WriteExtras, b: WriteExtras | undefined): WriteExtras {
  if (!b || (b.compare.length === 0 && b.ops.length === 0)) return a;
  return { compare: [...a.compare, ...b.compare], ops: [...a.ops, ...b.ops] };
}

/** The stored form never carries resourceVersion: it is the key's modRevision. */
function forStorage(obj: KubeObject): KubeObject {
  if (obj.metadata?.resourceVersion === undefined) return obj;
  const { resourceVersion: _rv, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

function metaOf(obj: KubeObject): ObjectMeta {
  if (!isPlainObject(obj.metadata)) obj.metadata = {};
  return obj.metadata as ObjectMeta;
}

function withoutResourceVersion(obj: KubeObject): KubeObject {
  const { resourceVersion: _rv, ...metadata } = obj.metadata ?? {};
  return { ...obj, metadata };
}

export class ResourceStore {
  readonly info: ResourceInfo;
  private readonly ref: ResourceRef;
  private readonly strategy: Strategy;
  private fields: FieldManager | undefined;

  constructor(private readonly deps: ResourceStoreDeps) {
    this.strategy = deps.strategy;
    this.info = deps.strategy.info;
    this.ref = { group: this.info.group, resource: this.info.resource };
  }

  /** The resource's field manager, built on first use (its types come from the OpenAPI schemas). */
  private get fieldManager(): FieldManager {
    this.fields ??= fieldManagerFor(this.strategy);
    return this.fields;
  }

  private keyOf(namespace: string | undefined, name: string): string {
    return storageKey(this.info, namespace, name);
  }

  /** A stored object in this resource's version. */
  private served(obj: StoredObject): StoredObject {
    const { conversion } = this.deps;
    return conversion ? (conversion.fromStorage(obj) as StoredObject) : obj;
  }

  /** An object of this resource's version as it is stored (in the stored kind's own shape). */
  private stored(obj: KubeObject): KubeObject {
    const { conversion } = this.deps;
    return conversion ? canonicalForm(conversion.toStorage(obj)) : obj;
  }

  /** An object of this resource in the form a write stores it, for a write that commits beside another resource's. */
  canonical(obj: KubeObject): KubeObject {
    return forStorage(this.stored(this.strategy.canonicalize(obj)));
  }

  // --- reads ---

  /** GET: a quorum read without a resourceVersion, this replica's state with one. */
  async get(ref: ObjectRef, resourceVersion = ''): Promise<StoredObject> {
    await awaitReadable(this.deps.store, resourceVersion);
    return this.read(ref);
  }

  private read(ref: ObjectRef): StoredObject {
    const kv = this.deps.store.get<KubeObject>(this.keyOf(ref.namespace, ref.name));
    if (!kv) throw errors.notFound(this.ref, ref.name);
    return this.served(toStored(kv));
  }

  async list(namespace: string | undefined, options: ListOptions): Promise<KubeList<StoredObject>> {
    if (options.continue === '') await awaitReadable(this.deps.store, options.resourceVersion);
    const filter = this.servedFilter(compileFilter(this.info, options.labelSelector, options.fieldSelector));
    const list = listObjects(this.deps.store, this.info, namespace, options, filter);
    return this.deps.conversion ? { ...list, items: list.items.map((item) => this.served(item)) } : list;
  }

  /** Selectors match the object as this resource shows it. */
  private servedFilter(filter: ObjectFilter): ObjectFilter {
    const { conversion } = this.deps;
    if (!conversion || filter.empty) return filter;
    return { ...filter, matches: (obj) => filter.matches(conversion.fromStorage(obj)) };
  }

  /** Watch events carry stored objects; a resource stored as another version encodes them converted. */
  private servedEncoder(encoder: WatchEncoder): WatchEncoder {
    const { conversion } = this.deps;
    if (!conversion) return encoder;
    return {
      id: `${encoder.id}@${apiVersionOf(this.info)}`,
      encode: (event) => (event.type === 'ERROR' || event.type === 'BOOKMARK' ? encoder.encode(event) : encoder.encode({ type: event.type, object: conversion.fromStorage(event.object) })),
    };
  }

  /**
   * Checks a watch request (selectors, resourceVersion: a StatusError before any response) and
   * returns what starts it; a watch-list (sendInitialEvents) first waits, as a LIST does, until
   * this replica can serve the state it asks for. A resourceVersion older than the history ends the watch with a 410
   * ERROR event.
   */
  async watch(namespace: string | undefined, name: string | undefined, listOptions: ListOptions): Promise<WatchStarter> {
    const filter = this.servedFilter(compileFilter(this.info, listOptions.labelSelector, listOptions.fieldSelector));
    const requested = parseResourceVersion(listOptions.resourceVersion);
    const sendInitialEvents = listOptions.sendInitialEvents === true;
    // A watch-list's initial state is a read like a LIST's: the latest without a resourceVersion.
    if (sendInitialEvents) await awaitReadable(this.deps.store, listOptions.resourceVersion);
    return (encoder, sink) =>
      this.deps.hub.start({
        info: this.info,
        namespace,
        name,
        filter,
        fromRevision: sendInitialEvents || requested === 0 ? undefined : requested,
        sendInitialEvents,
        bookmarks: listOptions.allowWatchBookmarks,
        encoder: this.servedEncoder(encoder),
        sink,
      });
  }

  // --- create ---

  /** Checks the body names the kind and scope the URL addresses, and fills what it leaves out. */
  private checkBody(namespace: string | undefined, body: KubeObject, name: string | undefined): void {
    const expectedVersion = apiVersionOf(this.info);
    const kind = this.info.kind;
    if (body.apiVersion !== undefined && body.apiVersion !== expectedVersion) {
      throw errors.badRequest(`the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${expectedVersion})`);
    }
    if (body.kind !== undefined && body.kind !== kind) {
      throw errors.badRequest(`the kind in the data (${String(body.kind)}) does not match the expected kind (${kind})`);
    }
    body.apiVersion = expectedVersion;
    body.kind = kind;
    const meta = metaOf(body);
    if (this.info.namespaced) {
      if (meta.namespace !== undefined && meta.namespace !== '' && meta.namespace !== namespace) {
        throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      meta.namespace = namespace;
    } else if (meta.namespace !== undefined && meta.namespace !== '') {
      throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    } else {
      delete meta.namespace;
    }
    if (name !== undefined && meta.name !== undefined && meta.name !== name) {
      throw errors.badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
    }
    if (name !== undefined) meta.name = name;
  }

  private invalid(obj: KubeObject, found: readonly FieldError[]): StatusError {
    return errors.invalid(this.info.kind, this.info.group, obj.metadata?.name ?? '', found);
  }

  private attributes(
    operation: AdmissionOperation,
    ref: { namespace: string | undefined; name: string },
    object: KubeObject | null,
    oldObject: StoredObject | null,
    options: WriteOptions,
    subresource?: string,
  ): AdmissionAttributes {
    return { operation, info: this.info, subresource, namespace: ref.namespace, name: ref.name, object, oldObject, dryRun: options.dryRun, user: options.user, warn: options.warn, annotate: options.annotate };
  }

  async create(namespace: string | undefined, body: KubeObject, options: CreateOptions): Promise<StoredObject> {
    const { strategy } = this;
    this.checkBody(namespace, body, undefined);
    const meta = metaOf(body);
    if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${generateNameSuffix()}`;
    prepareCreateMeta(meta, this.deps.clock(), strategy.tracksGeneration);
    strategy.prepareForCreate(body, options.user);
    strategy.applyDefaults(body);
    const name = meta.name ?? '';
    await this.deps.admission.admit(this.attributes('CREATE', { namespace, name }, body, null, options));
    const found = strategy.validate(body);
    if (found.length > 0) throw this.invalid(body, found);
    if (options.manager !== undefined && !options.applied) {
      const entries = this.fieldManager.updated(undefined, body, options.manager, undefined, formatTime(this.deps.clock()));
      if (entries.length > 0) meta.managedFields = entries as ObjectMeta['managedFields'];
      else delete meta.managedFields;
    }
    const key = this.keyOf(namespace, name);
    const stored = strategy.canonicalize(body);
    // A create races only with what commits beside it (another writer took the same cluster IP,
    // or counted against the same quota): admit and plan again.
    return retryOnConflict(this.ref, name, async () => {
      const admitted = await this.deps.admission.validate(this.attributes('CREATE', { namespace, name }, stored, null, options));
      // An existing object is reported as such before its allocations could complain about it.
      if (this.deps.hooks && this.deps.store.get(key) !== null) throw errors.alreadyExists(this.ref, name);
      const extra = joinExtras(this.deps.hooks ? await this.deps.hooks.beforeWrite(namespace, null, stored) : NO_EXTRAS, admitted);
      if (options.dryRun) return stored as StoredObject;
      const result = await this.deps.store.txn<KubeObject>({
        compare: [{ key, target: 'mod', op: '=', value: 0 }, ...extra.compare],
        success: [{ type: 'put', key, value: forStorage(this.stored(stored)) }, ...extra.ops],
      });
      if (result.succeeded) {
        metaOf(stored).resourceVersion = String(result.revision);
        return stored as StoredObject;
      }
      if (result.current[0]) throw errors.alreadyExists(this.ref, name);
      return null;
    });
  }

  // --- read-modify-write ---

  /**
   * Kubernetes' GuaranteedUpdate: read the latest object, let `decide` say what to do with it,
   * write that if the key did not change meanwhile, otherwise read again and decide again.
   * `decide` may throw a StatusError. A missing object is 404, or `createIfMissing`'s object.
   */
  private async guaranteedUpdate(
    ref: ObjectRef,
    options: WriteOptions,
    decide: (current: StoredObject) => Change | Promise<Change>,
    createIfMissing?: () => KubeObject,
    createOptions: CreateOptions = options,
  ): Promise<{ object: StoredObject; change: 'put' | 'remove' | 'keep' | 'create' }> {
    const key = this.keyOf(ref.namespace, ref.name);
    return retryOnConflict(this.ref, ref.name, async () => {
      // A replica's local copy may lag: preconditions and patches must see the latest object,
      // as Kubernetes retries GuaranteedUpdate with a fresh read from etcd.
      await this.deps.store.linearizableRead();
      const kv = this.deps.store.get<KubeObject>(key);
      if (!kv) {
        if (createIfMissing) return { object: await this.create(ref.namespace, createIfMissing(), createOptions), change: 'create' as const };
        throw errors.notFound(this.ref, ref.name);
      }
      const current = this.served(toStored(kv));
      const decided = await decide(structuredClone(current));
      // A value sealed by an older key (encryption at rest) is written again even when unchanged,
      // as Kubernetes re-writes stale reads: re-writing every object is how a key is rotated.
      const change: Change = 'keep' in decided && kv.stale ? { put: current, extras: decided.extras } : decided;
      if ('keep' in change) return { object: current, change: 'keep' as const };
      const next = 'put' in change ? change.put : null;
      const extra = joinExtras(this.deps.hooks ? await this.deps.hooks.beforeWrite(ref.namespace, current, next) : NO_EXTRAS, change.extras);
      if (options.dryRun) return { object: (next ?? current) as StoredObject, change: next ? ('put' as const) : ('remove' as const) };
      const op: TxnOp = next ? { type: 'put', key, value: forStorage(this.stored(next)) } : { type: 'delete', key };
      const result = await this.deps.store.txn({ compare: [{ key, target: 'mod', op: '=', value: kv.modRevision }, ...extra.compare], success: [op, ...extra.ops] });
      if (!result.succeeded) return null;
      const written = (next ?? current) as StoredObject;
      written.metadata.resourceVersion = String(result.revision);
      return { object: written, change: next ? ('put' as const) : ('remove' as const) };
    });
  }

  /**
   * What an update of `current` to `proposed` writes: the object as the strategy prepares,
   * defaults, validates and canonicalizes it; nothing when nothing changed; a deletion when it
   * removed the last finalizer of an object being deleted.
   */
  private async planUpdate(current: StoredObject, proposed: KubeObject, subresource: string | undefined, options: WriteOptions, applied?: unknown[]): Promise<Change> {
    const { strategy } = this;
    this.checkBody(current.metadata.namespace, proposed, current.metadata.name);
    const meta = metaOf(proposed);
    // managedFields as the request sent them, before the strategy shapes the object.
    const incoming = meta.managedFields;
    if (meta.uid !== undefined && meta.uid !== '' && meta.uid !== current.metadata.uid) {
      throw errors.conflict(this.ref, current.metadata.name, `Precondition failed: UID in precondition: ${current.metadata.uid}, UID in object meta: ${meta.uid}`);
    }
    const subresourceStrategies: Record<string, SubresourceStrategy | undefined> = { status: strategy.status, approval: strategy.approval, finalize: strategy.finalize };
    const status = subresource === undefined ? undefined : subresourceStrategies[subresource];
    const prepared = status ? status.prepareForUpdate(proposed, current, this.deps.clock()) : strategy.prepareForUpdate(proposed, current);
    const preparedMeta = metaOf(prepared);
    carryServerMeta(preparedMeta, current.metadata);
    // Preconditions were checked by the caller; what is validated is an update of this revision.
    preparedMeta.resourceVersion = current.metadata.resourceVersion;
    strategy.applyDefaults(prepared, current);
    const ref = { namespace: current.metadata.namespace, name: current.metadata.name };
    await this.deps.admission.admit(this.attributes('UPDATE', ref, prepared, current, options, subresource));
    if (strategy.tracksGeneration && !status && specChanged(prepared, current)) {
      preparedMeta.generation = (current.metadata.generation ?? 0) + 1;
    }
    const found = status ? status.validateUpdate(prepared, current) : strategy.validateUpdate(prepared, current);
    if (found.length > 0) throw this.invalid(prepared, found);
    const next = strategy.canonicalize(prepared);
    const nextMeta = metaOf(next);
    this.recordManagers(current, next, incoming, subresource, options, applied);

    const extras = await this.deps.admission.validate(this.attributes('UPDATE', ref, next, current, options, subresource));
    if (nextMeta.deletionTimestamp !== undefined) {
      // The last finalizer of an object being deleted is gone: the update completes the deletion
      // (unless its controller still has to finish it, as a namespace with spec.finalizers).
      const controllerPending = strategy.deletion.markForController?.(structuredClone(next) as StoredObject, nextMeta.deletionTimestamp) !== undefined;
      if ((nextMeta.finalizers ?? []).length === 0 && !controllerPending) return { remove: true, extras };
      const added = (nextMeta.finalizers ?? []).filter((f) => !(current.metadata.finalizers ?? []).includes(f));
      if (added.length > 0) {
        throw this.invalid(next, [fieldErrors.forbidden('metadata.finalizers', `no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}`)]);
      }
    }
    // A no-op update writes nothing and keeps the resourceVersion, as in Kubernetes.
    if (isDeepStrictEqual(withoutResourceVersion(next), withoutResourceVersion(current))) return { keep: true };
    return { put: next, extras };
  }

  /**
   * metadata.managedFields of an update: what an apply worked out, the Update of the request's
   * manager, or — for the apiserver's own writes — the live object's, unchanged.
   */
  private recordManagers(current: StoredObject, next: KubeObject, incoming: unknown, subresource: string | undefined, options: WriteOptions, applied: unknown[] | undefined): void {
    const meta = metaOf(next);
    if (applied !== undefined) {
      meta.managedFields = applied as ObjectMeta['managedFields'];
    } else if (options.scaleApply !== undefined) {
      meta.managedFields = this.fieldManager.appliedScale(current, next, options.manager ?? '', options.scaleApply, options.force === true, formatTime(this.deps.clock())) as ObjectMeta['managedFields'];
    } else if (options.manager !== undefined) {
      const entries = this.fieldManager.updated(current, next, options.manager, subresource, formatTime(this.deps.clock()), incoming);
      // No managers is no managedFields (the list is omitted when empty, as in every encoding).
      if (entries.length > 0) meta.managedFields = entries as ObjectMeta['managedFields'];
      else delete meta.managedFields;
    } else if (incoming === undefined && current.metadata.managedFields !== undefined) {
      meta.managedFields = current.metadata.managedFields;
    }
  }

  /** PUT (of the object or its status): replaces it; a stale metadata.resourceVersion is a 409 Conflict. */
  async update(ref: ObjectRef, body: KubeObject, options: WriteOptions, subresource?: string): Promise<{ object: StoredObject; created: boolean }> {
    const requested = body.metadata?.resourceVersion;
    const allowCreate = subresource === undefined && this.strategy.allowCreateOnUpdate;
    const { object, change } = await this.guaranteedUpdate(
      ref,
      options,
      (current) => {
        if (requested !== undefined && requested !== '' && requested !== current.metadata.resourceVersion) throw errors.staleObject(this.ref, ref.name);
        return this.planUpdate(current, structuredClone(body), subresource, options);
      },
      allowCreate
        ? () => {
            const copy = structuredClone(body);
            if (copy.metadata) delete copy.metadata.resourceVersion;
            return copy;
          }
        : undefined,
    );
    return { object, created: change === 'create' };
  }

  /**
   * PATCH (of the object or its status): applies the patch to the latest object, retrying on
   * conflicts like Kubernetes. `check` sees the patched object before it is validated (the
   * request's field validation).
   */
  async patch(
    ref: ObjectRef,
    patchType: string,
    patch: unknown,
    options: WriteOptions,
    check: (patched: KubeObject) => void,
    subresource?: string,
  ): Promise<StoredObject> {
    const { object } = await this.guaranteedUpdate(ref, options, (current) => {
      const patched = applyPatch(this.info, current, patchType, patch);
      check(patched);
      const requested = patched.metadata?.resourceVersion;
      if (requested !== undefined && requested !== current.metadata.resourceVersion) throw errors.staleObject(this.ref, ref.name);
      return this.planUpdate(current, patched, subresource, options);
    });
    return object;
  }

  /**
   * Server-side apply: the configuration merged into the latest object by the field manager
   * (409 on conflicts unless forced), then written as an update; an object that does not exist
   * is created from the configuration. An apply that changes nothing writes nothing.
   */
  async apply(ref: ObjectRef, body: unknown, options: WriteOptions, check: (patched: KubeObject) => void, subresource?: string): Promise<{ object: StoredObject; created: boolean }> {
    const config = decodeApplyConfiguration(body);
    const manager = options.manager ?? '';
    const now = (): string => formatTime(this.deps.clock());
    const { object, change } = await this.guaranteedUpdate(
      ref,
      options,
      (current) => {
        const { object: merged, unchanged } = this.fieldManager.apply(current, structuredClone(config), manager, subresource, options.force === true, now());
        check(merged);
        const requested = config.metadata?.resourceVersion;
        if (requested !== undefined && requested !== current.metadata.resourceVersion) throw errors.staleObject(this.ref, ref.name);
        if (unchanged) return { keep: true };
        return this.planUpdate(current, merged, subresource, options, merged.metadata?.managedFields as unknown[]);
      },
      subresource === undefined
        ? () => {
            const { object: created } = this.fieldManager.apply(undefined, structuredClone(config), manager, undefined, true, now());
            check(created);
            if (created.metadata) delete created.metadata.resourceVersion;
            return created;
          }
        : undefined,
      { ...options, applied: true },
    );
    return { object, created: change === 'create' };
  }

  /** An update computed from the latest object through the main resource's rules (the scale subresource). */
  async updateWith(ref: ObjectRef, options: WriteOptions, mutate: (current: StoredObject) => KubeObject): Promise<StoredObject> {
    const { object } = await this.guaranteedUpdate(ref, options, (current) => this.planUpdate(current, mutate(structuredClone(current)), 'scale', options));
    return object;
  }

  /**
   * A server-side transition that bypasses the client-update rules (pods/binding sets
   * spec.nodeName and a status condition at once). Still compare-and-swap.
   */
  async transition(ref: ObjectRef, options: WriteOptions, mutate: (current: StoredObject) => KubeObject): Promise<StoredObject> {
    const { object } = await this.guaranteedUpdate(ref, options, (current) => ({ put: this.strategy.canonicalize(mutate(current)) }));
    return object;
  }

  // --- delete ---

  async delete(ref: ObjectRef, options: DeleteOptions): Promise<DeleteResult> {
    const { object, change } = await this.guaranteedUpdate(ref, options, async (current): Promise<Change> => {
      const pre = options.preconditions;
      if (pre?.uid !== undefined && pre.uid !== current.metadata.uid) {
        throw errors.conflict(this.ref, ref.name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`);
      }
      if (pre?.resourceVersion !== undefined && pre.resourceVersion !== current.metadata.resourceVersion) {
        throw errors.conflict(
          this.ref,
          ref.name,
          `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`,
        );
      }
      const admitted = await this.deps.admission.validate(this.attributes('DELETE', ref, null, current, options));
      const extras = options.alongside ? joinExtras(admitted, await options.alongside(current)) : admitted;
      const marked = structuredClone(current);
      options.mark?.(marked);
      const pending = this.pendingDeletion(marked, options);
      if (pending === null) return { remove: true, extras };
      if (isDeepStrictEqual(pending, current)) return { keep: true };
      return { put: pending, extras };
    });
    return { object, deleted: change === 'remove' };
  }

  /**
   * Graceful deletion and finalizers: the object as it must be stored while its deletion is in
   * progress, or null when it can be removed now.
   */
  private pendingDeletion(obj: StoredObject, options: DeleteOptions): KubeObject | null {
    const meta = obj.metadata;
    const now = this.deps.clock();
    const finalizers = new Set(meta.finalizers ?? []);
    if (options.propagationPolicy === 'Orphan') {
      finalizers.add('orphan');
      finalizers.delete('foregroundDeletion');
    } else if (options.propagationPolicy === 'Foreground') {
      finalizers.add('foregroundDeletion');
      finalizers.delete('orphan');
    }
    if (finalizers.size > 0) meta.finalizers = [...finalizers];
    const { deletion } = this.strategy;
    const marked = deletion.markForController?.(obj, formatTime(now));
    if (marked) return this.strategy.canonicalize(marked);
    const grace = deletion.gracePeriodSeconds(obj, options.gracePeriodSeconds);
    if (finalizers.size === 0 && grace === 0) return null;
    const deadline = new Date(now.getTime() + grace * 1000);
    const existing = meta.deletionTimestamp ? new Date(meta.deletionTimestamp) : undefined;
    if (!existing || deadline < existing) {
      meta.deletionTimestamp = formatTime(deadline);
      meta.deletionGracePeriodSeconds = grace;
      if (this.strategy.tracksGeneration) meta.generation = (meta.generation ?? 0) + 1;
    }
    return this.strategy.canonicalize(obj);
  }

  /** DELETE of a collection: every object the selectors match, each deleted as by DELETE. */
  async deleteCollection(namespace: string | undefined, listOptions: ListOptions, options: DeleteOptions): Promise<KubeList<StoredObject>> {
    const list = await this.list(namespace, { ...listOptions, limit: 0, continue: '' });
    const removed: StoredObject[] = [];
    for (const item of list.items) {
      try {
        const { object } = await this.delete({ namespace: item.metadata.namespace, name: item.metadata.name }, options);
        removed.push(object);
      } catch (error) {
        // Deleted meanwhile by someone else: already what was asked.
        if ((error as { code?: number }).code !== 404) throw error;
      }
    }
    return { ...list, items: removed };
  }
}
