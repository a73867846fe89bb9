// The generic registry (Kubernetes' genericregistry.Store): create, get, update, patch and delete
// of any served kind on top of the MVCC store, with optimistic concurrency on modRevision. Every
// write is one store transaction, so an object is either fully written or not at all.
import { isDeepStrictEqual } from 'node:util';
import { canonicalForm } from '../../../lib/api/canonical-form.js';
import { applyDefaults } from '../../../lib/api/defaults/index.js';
import { fieldErrors, type FieldError } from '../../../lib/api/field-errors.js';
import type { KubeObject, ObjectMeta, StoredObject } from '../../../lib/api/object.js';
import { isPlainObject } from '../../../lib/api/object.js';
import { applyPatch } from '../../../lib/api/patch/index.js';
import { apiVersionOf, storageKey, type ResourceInfo } from '../../../lib/api/resources.js';
import { errors, StatusError } from '../../../lib/api/status.js';
import { validateCreate, validateStatusUpdate, validateUpdate } from '../../../lib/api/validation/index.js';
import type { Compare, KeyValue, Store, TxnOp } from '../../../lib/native/store.js';
import { hasStatusSubresource, prepareForCreate, prepareForUpdate, tracksGeneration } from './kind-rules.js';
import { carryServerMeta, formatTime, generateNameSuffix, prepareCreateMeta, specChanged } from './object-meta.js';
import type { NamespaceLifecycle } from './namespace-lifecycle.js';
import type { KindWriteHooks } from './write-hooks.js';
import { retryOnConflict } from './conflict-retry.js';

export interface Scope {
  info: ResourceInfo;
  namespace?: string;
  name?: string;
  subresource?: string;
}

export interface WriteOptions {
  dryRun: boolean;
}

export interface DeleteOptions extends WriteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface DeleteResult {
  object: StoredObject;
  /** false when deletion was only started (finalizers or a grace period remain): HTTP 202. */
  deleted: boolean;
}

export interface RegistryDeps {
  store: Store;
  clock: () => Date;
  hooks: KindWriteHooks;
  namespaces: NamespaceLifecycle;
}

export function toStored(kv: KeyValue<KubeObject>): StoredObject {
  const obj = kv.value as StoredObject;
  obj.metadata.resourceVersion = String(kv.modRevision);
  return obj;
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

function ref(info: ResourceInfo): { group: string; resource: string } {
  return { group: info.group, resource: info.resource };
}

export class Registry {
  constructor(private readonly deps: RegistryDeps) {}

  keyOf(scope: Scope, name: string): string {
    return storageKey(scope.info, scope.namespace, name);
  }

  get(scope: Scope & { name: string }, revision?: number): StoredObject {
    const kv = this.deps.store.get<KubeObject>(this.keyOf(scope, scope.name), revision);
    if (!kv) throw errors.notFound(ref(scope.info), scope.name);
    return toStored(kv);
  }

  /** Checks the body names the kind and scope the URL addresses, and fills what it leaves out. */
  private checkBody(scope: Scope, body: KubeObject, name: string | undefined): void {
    const { info } = scope;
    const expectedVersion = apiVersionOf(info);
    const kind = info.kind;
    if (body.apiVersion !== undefined && body.apiVersion !== expectedVersion) {
      throw errors.badRequest(`the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${expectedVersion})`);
    }
    if (body.kind !== undefined && body.kind !== kind) {
      throw errors.badRequest(`the kind in the data (${String(body.kind)}) does not match the expected kind (${kind})`);
    }
    body.apiVersion = expectedVersion;
    body.kind = kind;
    const meta = metaOf(body);
    if (info.namespaced) {
      if (meta.namespace !== undefined && meta.namespace !== '' && meta.namespace !== scope.namespace) {
        throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      meta.namespace = scope.namespace;
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

  private invalid(scope: Scope, obj: KubeObject, found: readonly FieldError[]): StatusError {
    return errors.invalid(scope.info.kind, scope.info.group, obj.metadata?.name ?? '', found);
  }

  /** NamespaceLifecycle admission: objects are created only in namespaces that exist and are not terminating. */
  private async checkNamespace(scope: Scope, name: string): Promise<void> {
    if (!scope.info.namespaced || scope.namespace === undefined) return;
    let phase = this.deps.namespaces.phase(scope.namespace);
    // A replica may not have applied a namespace another replica just created.
    if (phase === 'absent' && this.deps.store.replicated) {
      await this.deps.store.linearizableRead();
      phase = this.deps.namespaces.phase(scope.namespace);
    }
    if (phase === 'absent') throw errors.notFound({ group: '', resource: 'namespaces' }, scope.namespace);
    if (phase === 'terminating') {
      throw errors.forbidden(ref(scope.info), name, `unable to create new content in namespace ${scope.namespace} because it is being terminated`);
    }
  }

  async create(scope: Scope, body: KubeObject, options: WriteOptions): Promise<StoredObject> {
    const { info } = scope;
    this.checkBody(scope, body, undefined);
    const meta = metaOf(body);
    if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${generateNameSuffix()}`;
    const now = this.deps.clock();
    prepareCreateMeta(meta, now, tracksGeneration(info));
    prepareForCreate(info, body);
    applyDefaults(info, body, { operation: 'create' });
    const found = validateCreate(info, body);
    if (found.length > 0) throw this.invalid(scope, body, found);
    const name = meta.name as string;
    await this.checkNamespace(scope, name);
    const key = this.keyOf(scope, name);
    const stored = canonicalForm(body);
    return retryOnConflict(ref(info), name, async () => {
      // An existing object is reported as such before its allocations could complain about it.
      if (this.deps.hooks.has(info.kind) && this.deps.store.get(key) !== null) throw errors.alreadyExists(ref(info), name);
      const extra = await this.deps.hooks.beforeWrite(scope, null, stored);
      if (options.dryRun) return stored as StoredObject;
      const result = await this.deps.store.txn<KubeObject>({
        compare: [{ key, target: 'mod', op: '=', value: 0 }, ...extra.compare],
        success: [{ type: 'put', key, value: forStorage(stored) }, ...extra.ops],
      });
      if (result.succeeded) {
        metaOf(stored).resourceVersion = String(result.revision);
        return stored as StoredObject;
      }
      if (result.current[0]) throw errors.alreadyExists(ref(info), name);
      // An allocation raced with another writer: plan again.
      return null;
    });
  }

  /**
   * Kubernetes' GuaranteedUpdate: read, compute the new object, write if the key did not change
   * meanwhile, otherwise retry with the fresh object. `mutate` may throw a StatusError.
   */
  private async guaranteedUpdate(
    scope: Scope & { name: string },
    options: WriteOptions,
    mutate: (current: StoredObject) => KubeObject,
    createIfMissing?: () => KubeObject,
  ): Promise<{ object: StoredObject; created: boolean }> {
    const key = this.keyOf(scope, scope.name);
    return retryOnConflict(ref(scope.info), scope.name, async () => {
      // A replica's local copy may lag: preconditions and patches must see the latest object,
      // as Kubernetes retries GuaranteedUpdate with a fresh read from etcd.
      await this.deps.store.linearizableRead();
      const kv = this.deps.store.get<KubeObject>(key);
      if (!kv) {
        if (createIfMissing) return { object: await this.create(scope, createIfMissing(), options), created: true };
        throw errors.notFound(ref(scope.info), scope.name);
      }
      const current = toStored(kv);
      const currentCopy = structuredClone(current);
      const next = mutate(currentCopy);
      const written = await this.writeUpdate(scope, current, next, kv.modRevision, options);
      return written ? { object: written, created: false } : null;
    });
  }

  /** Validates and commits one update; null means the object changed underneath (retry). */
  private async writeUpdate(
    scope: Scope & { name: string },
    current: StoredObject,
    proposed: KubeObject,
    modRevision: number,
    options: WriteOptions,
  ): Promise<StoredObject | null> {
    const { info } = scope;
    this.checkBody(scope, proposed, scope.name);
    const meta = metaOf(proposed);
    if (meta.uid !== undefined && meta.uid !== '' && meta.uid !== current.metadata.uid) {
      throw errors.conflict(ref(info), scope.name, `Precondition failed: UID in precondition: ${current.metadata.uid}, UID in object meta: ${meta.uid}`);
    }
    const prepared = prepareForUpdate(info, proposed, current, scope.subresource);
    const preparedMeta = metaOf(prepared);
    carryServerMeta(preparedMeta, current.metadata);
    // Preconditions were checked by the caller; what is validated is an update of this revision.
    preparedMeta.resourceVersion = current.metadata.resourceVersion;
    applyDefaults(info, prepared, { operation: 'update', old: current });
    if (tracksGeneration(info) && scope.subresource !== 'status' && specChanged(prepared, current)) {
      preparedMeta.generation = (current.metadata.generation ?? 0) + 1;
    }
    const found =
      scope.subresource === 'status' ? validateStatusUpdate(info, prepared, current) : validateUpdate(info, prepared, current);
    if (found.length > 0) throw this.invalid(scope, prepared, found);
    const next = canonicalForm(prepared);
    const nextMeta = metaOf(next);

    // The last finalizer of an object being deleted is gone: the update completes the deletion.
    const finishesDeletion = nextMeta.deletionTimestamp !== undefined && (nextMeta.finalizers ?? []).length === 0;
    if (finishesDeletion) {
      const done = await this.commitDelete(scope, current, modRevision, options);
      return done;
    }
    if (nextMeta.deletionTimestamp !== undefined) {
      const added = (nextMeta.finalizers ?? []).filter((f) => !(current.metadata.finalizers ?? []).includes(f));
      if (added.length > 0) {
        throw this.invalid(scope, next, [fieldErrors.forbidden('metadata.finalizers', `no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}`)]);
      }
    }

    const { resourceVersion: _ignored, ...currentMeta } = current.metadata;
    const comparable = { ...next, metadata: { ...nextMeta } };
    delete (comparable.metadata as ObjectMeta).resourceVersion;
    if (isDeepStrictEqual(comparable, { ...current, metadata: currentMeta })) {
      // A no-op update writes nothing and keeps the resourceVersion, as in Kubernetes.
      return current;
    }
    const extra = await this.deps.hooks.beforeWrite(scope, current, next);
    if (options.dryRun) {
      nextMeta.resourceVersion = current.metadata.resourceVersion;
      return next as StoredObject;
    }
    const key = this.keyOf(scope, scope.name);
    const result = await this.deps.store.txn({
      compare: [{ key, target: 'mod', op: '=', value: modRevision }, ...extra.compare],
      success: [{ type: 'put', key, value: forStorage(next) }, ...extra.ops],
    });
    if (!result.succeeded) return null;
    nextMeta.resourceVersion = String(result.revision);
    return next as StoredObject;
  }

  /** PUT: replaces the object; a stale metadata.resourceVersion is a 409 Conflict. */
  async update(scope: Scope & { name: string }, body: KubeObject, options: WriteOptions): Promise<{ object: StoredObject; created: boolean }> {
    const requested = body.metadata?.resourceVersion;
    const allowCreate = scope.subresource === undefined && ALLOW_CREATE_ON_UPDATE.has(scope.info.kind);
    return this.guaranteedUpdate(
      scope,
      options,
      (current) => {
        if (requested !== undefined && requested !== '' && requested !== current.metadata.resourceVersion) {
          throw errors.staleObject(ref(scope.info), scope.name);
        }
        return structuredClone(body);
      },
      allowCreate
        ? () => {
            const copy = structuredClone(body);
            if (copy.metadata) delete copy.metadata.resourceVersion;
            return copy;
          }
        : undefined,
    );
  }

  /** An update computed from the current object (the /scale subresource writes through this). */
  async updateWith(scope: Scope & { name: string }, options: WriteOptions, mutate: (current: StoredObject) => KubeObject): Promise<StoredObject> {
    const { object } = await this.guaranteedUpdate(scope, options, mutate);
    return object;
  }

  /**
   * PATCH: applies the patch to the current object and retries on conflicts, like Kubernetes.
   * `check` sees the patched object before it is validated (field validation of the request).
   */
  async patch(
    scope: Scope & { name: string },
    patchType: string,
    patch: unknown,
    options: WriteOptions,
    check: (patched: KubeObject) => void = () => undefined,
  ): Promise<StoredObject> {
    const { object } = await this.guaranteedUpdate(scope, options, (current) => {
      const patched = applyPatch(scope.info, current, patchType, patch);
      check(patched);
      const requested = patched.metadata?.resourceVersion;
      if (requested !== undefined && requested !== current.metadata.resourceVersion) {
        throw errors.staleObject(ref(scope.info), scope.name);
      }
      return patched;
    });
    return object;
  }

  /**
   * A server-side transition that bypasses the client-update rules (for example pods/binding,
   * which sets spec.nodeName and a status condition at once). Still compare-and-swap.
   */
  async transition(scope: Scope & { name: string }, options: WriteOptions, mutate: (current: StoredObject) => KubeObject): Promise<StoredObject> {
    const key = this.keyOf(scope, scope.name);
    return retryOnConflict(ref(scope.info), scope.name, async () => {
      await this.deps.store.linearizableRead();
      const kv = this.deps.store.get<KubeObject>(key);
      if (!kv) throw errors.notFound(ref(scope.info), scope.name);
      const current = toStored(kv);
      const next = canonicalForm(mutate(structuredClone(current)));
      if (options.dryRun) return next as StoredObject;
      const result = await this.deps.store.txn({
        compare: [{ key, target: 'mod', op: '=', value: kv.modRevision }],
        success: [{ type: 'put', key, value: forStorage(next) }],
      });
      if (!result.succeeded) return null;
      metaOf(next).resourceVersion = String(result.revision);
      return next as StoredObject;
    });
  }

  /** Deletes the key if it still is at `modRevision`; null when it moved (the caller retries). */
  private async commitDelete(scope: Scope & { name: string }, current: StoredObject, modRevision: number, options: WriteOptions): Promise<StoredObject | null> {
    const extra = await this.deps.hooks.beforeWrite(scope, current, null);
    if (options.dryRun) return current;
    const key = this.keyOf(scope, scope.name);
    const result = await this.deps.store.txn({
      compare: [{ key, target: 'mod', op: '=', value: modRevision }, ...extra.compare],
      success: [{ type: 'delete', key }, ...extra.ops],
    });
    if (!result.succeeded) return null;
    current.metadata.resourceVersion = String(result.revision);
    return current;
  }

  async delete(scope: Scope & { name: string }, options: DeleteOptions): Promise<DeleteResult> {
    const key = this.keyOf(scope, scope.name);
    return retryOnConflict(ref(scope.info), scope.name, async (): Promise<DeleteResult | null> => {
      await this.deps.store.linearizableRead();
      const kv = this.deps.store.get<KubeObject>(key);
      if (!kv) throw errors.notFound(ref(scope.info), scope.name);
      const current = toStored(kv);
      const pre = options.preconditions;
      if (pre?.uid !== undefined && pre.uid !== current.metadata.uid) {
        throw errors.conflict(ref(scope.info), scope.name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`);
      }
      if (pre?.resourceVersion !== undefined && pre.resourceVersion !== current.metadata.resourceVersion) {
        throw errors.conflict(
          ref(scope.info),
          scope.name,
          `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`,
        );
      }
      const marked = this.pendingDeletion(scope.info, structuredClone(current), options);
      const pending = marked === null ? null : canonicalForm(marked);
      if (pending === null) {
        const deleted = await this.commitDelete(scope, current, kv.modRevision, options);
        return deleted ? { object: deleted, deleted: true } : null;
      }
      if (isDeepStrictEqual(pending, current)) return { object: current, deleted: false };
      if (options.dryRun) return { object: pending as StoredObject, deleted: false };
      const result = await this.deps.store.txn({
        compare: [{ key, target: 'mod', op: '=', value: kv.modRevision }],
        success: [{ type: 'put', key, value: forStorage(pending) }],
      });
      if (!result.succeeded) return null;
      metaOf(pending).resourceVersion = String(result.revision);
      return { object: pending as StoredObject, deleted: false };
    });
  }

  /**
   * Graceful deletion and finalizers: returns the object as it must be stored while deletion is in
   * progress, or null when it can be removed now.
   */
  private pendingDeletion(info: ResourceInfo, obj: StoredObject, options: DeleteOptions): KubeObject | null {
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
    let grace = 0;
    if (info.kind === 'Pod') grace = podGracePeriod(obj, options.gracePeriodSeconds);
    if (info.kind === 'Namespace' && isPlainObject(obj.spec) && Array.isArray(obj.spec.finalizers) && obj.spec.finalizers.length > 0) {
      // The namespace controller empties it, then removes spec.finalizers through /finalize.
      if (!meta.deletionTimestamp) {
        meta.deletionTimestamp = formatTime(now);
        meta.deletionGracePeriodSeconds = 0;
      }
      obj.status = { ...(isPlainObject(obj.status) ? obj.status : {}), phase: 'Terminating' };
      if (finalizers.size > 0) meta.finalizers = [...finalizers];
      return obj;
    }
    if (finalizers.size === 0 && grace === 0) return null;
    if (finalizers.size > 0) meta.finalizers = [...finalizers];
    const deadline = new Date(now.getTime() + grace * 1000);
    const existing = meta.deletionTimestamp ? new Date(meta.deletionTimestamp) : undefined;
    if (!existing || deadline < existing) {
      meta.deletionTimestamp = formatTime(deadline);
      meta.deletionGracePeriodSeconds = grace;
      if (tracksGeneration(info)) meta.generation = (meta.generation ?? 0) + 1;
    }
    return obj;
  }
}

/** Kinds a PUT may create when the object does not exist yet (Kubernetes' AllowCreateOnUpdate). */
const ALLOW_CREATE_ON_UPDATE = new Set(['Endpoints', 'Lease', 'Event']);

/**
 * Pods on a node get a grace period for the kubelet to stop them; pods that never ran or already
 * finished are deleted at once.
 */
function podGracePeriod(pod: StoredObject, requested: number | undefined): number {
  const spec = isPlainObject(pod.spec) ? pod.spec : {};
  const status = isPlainObject(pod.status) ? pod.status : {};
  if (!spec.nodeName || status.phase === 'Succeeded' || status.phase === 'Failed') return 0;
  const grace = requested ?? (typeof spec.terminationGracePeriodSeconds === 'number' ? spec.terminationGracePeriodSeconds : 30);
  return Math.max(0, grace);
}

export type { Compare, TxnOp };
export { hasStatusSubresource };
