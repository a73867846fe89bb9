// The durable store as the apiserver uses it: values are JS objects (plain msgpack), writes
// are transactions batched per event-loop turn, reads are synchronous.
//
// Ordering contract: a txn's promise resolves only after its events were delivered to every
// onCommit listener, so a watcher registered before a write sees the write before the writer
// gets its response. `store.revision` is the newest revision delivered to listeners;
// `eventsSince(prefix, rev)` reads up to it by default, so a new watcher can catch up with
// eventsSince and then follow onCommit, registered in the same synchronous step, with no gap
// and no duplicate.
//
// Replicated (Raft), the same contract holds on every replica: each applies the same commits
// in the same order. `linearizableRead()` resolves once this replica's state reflects every
// write committed anywhere before the call (ReadIndex); its resolution comes after the commit
// notices it waited for. A snapshot that replaces a lagging replica's state is announced to
// `onReset` listeners (watchers relist).
import { Packr, Unpackr } from 'msgpackr';
import { committedEvents, type WireEvent } from './committed-event.js';
import { loadNative, type NativeStore, type ReplicaState, type ReplicationConfig, type StoreOptions, type StoreStatus } from './index.js';

export type { ReplicaState, StoreStatus };
/** A replica's place in its Raft cluster (crates/napi ReplicationConfig documents each option). */
export type ReplicationOptions = ReplicationConfig;

export interface KeyValue<T = unknown> {
  key: string;
  createRevision: number;
  modRevision: number;
  version: number;
  value: T;
  /** Set when the value transformer would store the value differently now (sealed by an older key). */
  stale?: true;
}

export interface StoreEvent<T = unknown> {
  type: 'put' | 'delete';
  revision: number;
  key: string;
  value: T | null;
  prevValue: T | null;
  /** 0 for a delete. */
  createRevision: number;
  /** 0 for a delete. */
  version: number;
}

export interface Compare {
  key: string;
  target: 'mod' | 'create' | 'version';
  op: '=' | '!=' | '<' | '>';
  /** An absent key has 0 for every target. */
  value: number;
}

export type TxnOp = { type: 'put'; key: string; value: unknown } | { type: 'delete'; key: string };

export interface Txn {
  compare?: Compare[];
  success: TxnOp[];
  failure?: TxnOp[];
}

export interface TxnResult<T = unknown> {
  succeeded: boolean;
  /** Store revision after the txn: its own revision when it wrote. */
  revision: number;
  /** For each op of the branch that ran, the key-value before it. */
  prev: (KeyValue<T> | null)[];
  /** When !succeeded: each compared key's current key-value, in compare order. */
  current: (KeyValue<T> | null)[];
}

export interface RangeOptions {
  /** Start after this key (exclusive), for paging. */
  startAfter?: string;
  /** At most this many key-values; 0 or absent means all. */
  limit?: number;
  /** Read at this revision; 0 or absent means the current one. */
  revision?: number;
}

export interface RangeResult<T = unknown> {
  revision: number;
  kvs: KeyValue<T>[];
  more: boolean;
  /** Keys in the whole range from the start point, not only those returned. */
  count: number;
}

export interface StoreOpenOptions extends StoreOptions {
  dataDir: string;
  /** Makes this store one replica of a Raft cluster. */
  replication?: ReplicationOptions;
}

/** `Internal` marks a bug in the native store, never bad input. */
/** `Unavailable`: a replica could not reach a quorum in time; the write may or may not have happened. */
export type StoreErrorCode = 'Compacted' | 'FutureRevision' | 'InvalidArgument' | 'Closed' | 'Io' | 'Unavailable' | 'Internal';

const codes = new Set<string>(['Compacted', 'FutureRevision', 'InvalidArgument', 'Closed', 'Io', 'Unavailable', 'Internal']);

export class StoreError extends Error {
  override name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export type CommitListener = (events: StoreEvent[], revision: number) => void;

/** The whole state was replaced (a snapshot); history starts at `revision`. */
export type ResetListener = (revision: number, compactRevision: number) => void;

interface WireOutcome {
  id: number;
  txn?: TxnResult;
  compacted?: number;
  error?: { code: string; message: string };
}

type Notice =
  | { type: 'commit'; revision: number; compactRevision: number; outcomes: WireOutcome[]; events: WireEvent[] }
  | { type: 'reads'; ids: number[]; error?: { code: string; message: string } }
  | { type: 'reset'; revision: number; compactRevision: number }
  | { type: 'closed' };

type WireOp = { type: 'put'; key: string; value: Buffer } | { type: 'delete'; key: string };

interface WireTxn {
  compare: Compare[];
  success: WireOp[];
  failure: WireOp[];
}

interface Waiter {
  resolve(value: unknown): void;
  reject(error: StoreError): void;
}

/**
 * How values under some keys are kept in the store (Kubernetes' storage transformers: encryption
 * at rest). Applied to every put and undone on every read, events included.
 */
export interface ValueTransformer {
  /** Whether values under `key` are transformed. */
  applies(key: string): boolean;
  /** The stored form of `value`. */
  toStored(key: string, value: unknown): unknown;
  /** A value from its stored form (a value stored before the transformer is returned as it is). */
  fromStored(key: string, stored: unknown): unknown;
  /** Whether `stored` is not in the form toStored writes now (an older key): such values are re-written even when unchanged. */
  isStale(key: string, stored: unknown): boolean;
}

const packr = new Packr({ useRecords: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });

function unpack<T>(buffer: Uint8Array): T {
  return unpackr.unpack(buffer) as T;
}

function storeError(error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : '';
  if (codes.has(code)) return new StoreError(code as StoreErrorCode, message);
  // The binding's own argument checks (wrong JS types) and anything else thrown on the way in.
  return new StoreError('InvalidArgument', message);
}

function invalid(message: string): StoreError {
  return new StoreError('InvalidArgument', message);
}

function closedError(): StoreError {
  return new StoreError('Closed', 'the store is closed');
}

function checkKey(key: unknown, what: string): string {
  if (typeof key !== 'string' || key.length === 0) throw invalid(`${what} must be a non-empty string`);
  return key;
}

function checkWhole(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw invalid(`${what} must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}

const targets = new Set(['mod', 'create', 'version']);
const ops = new Set(['=', '!=', '<', '>']);

function encodeCompare(compare: Compare): Compare {
  if (typeof compare !== 'object' || compare === null) throw invalid('each compare must be an object');
  checkKey(compare.key, 'compare.key');
  if (!targets.has(compare.target)) throw invalid(`compare.target must be mod, create or version, got ${String(compare.target)}`);
  if (!ops.has(compare.op)) throw invalid(`compare.op must be =, !=, < or >, got ${String(compare.op)}`);
  checkWhole(compare.value, 'compare.value');
  return { key: compare.key, target: compare.target, op: compare.op, value: compare.value };
}

function encodeOp(op: TxnOp, transformer: ValueTransformer | null): WireOp {
  if (typeof op !== 'object' || op === null) throw invalid('each op must be an object');
  const key = checkKey(op.key, 'op.key');
  if (op.type === 'delete') return { type: 'delete', key };
  if (op.type !== 'put') throw invalid(`op.type must be put or delete, got ${String((op as { type: unknown }).type)}`);
  if (op.value === undefined) throw invalid(`put of ${key} needs a value`);
  let value: Buffer;
  try {
    value = packr.pack(transformer !== null && transformer.applies(key) ? transformer.toStored(key, op.value) : op.value);
  } catch (error) {
    throw invalid(`value of ${key} cannot be encoded as msgpack: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { type: 'put', key, value };
}

function encodeOps(list: TxnOp[] | undefined, what: string, transformer: ValueTransformer | null): WireOp[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw invalid(`txn.${what} must be an array`);
  return list.map((op) => encodeOp(op, transformer));
}

function encodeTxn(txn: Txn, transformer: ValueTransformer | null): WireTxn {
  if (typeof txn !== 'object' || txn === null) throw invalid('a txn must be an object');
  if (!Array.isArray(txn.success)) throw invalid('txn.success must be an array');
  if (txn.compare !== undefined && !Array.isArray(txn.compare)) throw invalid('txn.compare must be an array');
  return {
    compare: (txn.compare ?? []).map(encodeCompare),
    success: encodeOps(txn.success, 'success', transformer),
    failure: encodeOps(txn.failure, 'failure', transformer),
  };
}

export class Store {
  readonly #native: NativeStore;
  readonly #waiters = new Map<number, Waiter>();
  readonly #listeners = new Set<CommitListener>();
  readonly #resetListeners = new Set<ResetListener>();
  readonly #replicated: boolean;
  #pendingRead: { id: number; promise: Promise<void> } | null = null;
  #transformer: ValueTransformer | null = null;
  /** Decodes an event's value, undoing the transformer. */
  readonly #decodeEvent = (bytes: Uint8Array, key: string): unknown => this.#fromStored(key, unpack(bytes));
  #queue: [number, WireTxn][] = [];
  #flushScheduled = false;
  #nextId = 1;
  #revision: number;
  #compactRevision: number;
  #closing: Promise<void> | null = null;
  #closed = false;
  #onClosed: () => void = () => {};
  // The native callback does not keep Node alive on its own; this does, while results are due.
  #keepAlive: NodeJS.Timeout | null = null;

  /** Opens (or creates) the store under `dataDir`. */
  static open(options: StoreOpenOptions): Store {
    if (typeof options !== 'object' || options === null) throw invalid('Store.open needs an options object');
    checkKey(options.dataDir, 'dataDir');
    const nativeOptions: StoreOptions = {};
    if (options.historyRevisions !== undefined) nativeOptions.historyRevisions = checkWhole(options.historyRevisions, 'historyRevisions');
    if (options.maxBatch !== undefined) nativeOptions.maxBatch = checkWhole(options.maxBatch, 'maxBatch');
    const binding = loadNative();
    try {
      if (options.replication) {
        const r = options.replication;
        if (typeof r !== 'object' || !Array.isArray(r.peers)) throw invalid('replication needs an id, a listen address and peers');
        if (typeof r.tls !== 'object' || r.tls === null) throw invalid('replication needs tls: the cluster CA and this replica\'s peer certificate and key');
        return new Store(binding.NativeStore.openReplicated(options.dataDir, nativeOptions, { ...r, peers: r.peers.map((p) => ({ id: p.id, address: p.address })) }), true);
      }
      return new Store(binding.NativeStore.open(options.dataDir, nativeOptions), false);
    } catch (error) {
      throw storeError(error);
    }
  }

  private constructor(native: NativeStore, replicated: boolean) {
    this.#native = native;
    this.#replicated = replicated;
    const status = native.status();
    this.#revision = status.revision;
    this.#compactRevision = status.compactRevision;
    native.setListener((notice) => this.#onNotice(notice));
  }

  /** Whether this store is one replica of a Raft cluster. */
  get replicated(): boolean {
    return this.#replicated;
  }

  /**
   * Resolves once local reads reflect every write committed (on any replica) before this call;
   * rejects with code 'Unavailable' when no quorum answers in time. Free on a single replica.
   * Calls in one turn of the event loop share one ReadIndex.
   */
  linearizableRead(): Promise<void> {
    if (!this.#replicated) return Promise.resolve();
    if (this.#closing || this.#closed) return Promise.reject(closedError());
    if (this.#pendingRead) return this.#pendingRead.promise;
    const id = this.#takeId();
    const promise = this.#wait<void>(id);
    this.#pendingRead = { id, promise };
    setImmediate(() => {
      this.#pendingRead = null;
      try {
        this.#native.readIndex(id);
      } catch (error) {
        this.#settle(id, (waiter) => waiter.reject(storeError(error)));
        this.#releaseIfIdle();
      }
    });
    return promise;
  }

  /** This replica's role, term, indexes and members; null when not replicated. */
  replicaStatus(): ReplicaState | null {
    return this.#read(() => this.#native.replicaStatus());
  }

  /** The fault hook: drops all replication traffic to and from these replicas ([] heals). */
  setBlockedPeers(peers: number[]): void {
    for (const peer of peers) checkWhole(peer, 'peer id');
    this.#read(() => this.#native.setBlockedPeers(peers));
  }

  /** Adds a replica (listening for peers at `address`) through the cluster's log. */
  addReplica(id: number, address: string): Promise<void> {
    if (typeof address !== 'string' || address === '') return Promise.reject(invalid('address must be a non-empty host:port'));
    return this.#changeMember(id, address);
  }

  /** Removes a replica through the cluster's log. */
  removeReplica(id: number): Promise<void> {
    return this.#changeMember(id, null);
  }

  async #changeMember(id: number, address: string | null): Promise<void> {
    if (this.#closing || this.#closed) throw closedError();
    checkWhole(id, 'id');
    let outcome;
    try {
      outcome = await this.#native.changeMember(id, address);
    } catch (error) {
      throw storeError(error);
    }
    if (outcome.code) throw storeError(Object.assign(new Error(outcome.message ?? outcome.code), { code: outcome.code }));
  }

  /** Calls `listener` when a snapshot replaces this replica's state, until the returned function is called. */
  onReset(listener: ResetListener): () => void {
    this.#resetListeners.add(listener);
    return () => this.#resetListeners.delete(listener);
  }

  /** Newest revision whose events have been delivered to onCommit listeners. */
  get revision(): number {
    return this.#revision;
  }

  get compactRevision(): number {
    return this.#compactRevision;
  }

  /** Runs an etcd-style transaction; resolves once it is durable and its events were delivered. */
  txn<T = unknown>(txn: Txn): Promise<TxnResult<T>> {
    if (this.#closing || this.#closed) return Promise.reject(closedError());
    let wire: WireTxn;
    try {
      wire = encodeTxn(txn, this.#transformer);
    } catch (error) {
      return Promise.reject(storeError(error));
    }
    const id = this.#takeId();
    const result = this.#wait<TxnResult<T>>(id);
    this.#queue.push([id, wire]);
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      // Everything proposed in this turn of the event loop goes in one native call.
      setImmediate(() => this.#flush());
    }
    return result;
  }

  get<T = unknown>(key: string, revision = 0): KeyValue<T> | null {
    checkKey(key, 'key');
    checkWhole(revision, 'revision');
    const buffer = this.#read(() => this.#native.get(key, revision));
    return buffer ? this.#readable(unpack<KeyValue<T>>(buffer)) : null;
  }

  range<T = unknown>(prefix: string, options: RangeOptions = {}): RangeResult<T> {
    if (typeof prefix !== 'string') throw invalid('prefix must be a string');
    if (options.startAfter !== undefined && typeof options.startAfter !== 'string') throw invalid('startAfter must be a string');
    const limit = checkWhole(options.limit ?? 0, 'limit');
    const revision = checkWhole(options.revision ?? 0, 'revision');
    const result = unpack<RangeResult<T>>(this.#read(() => this.#native.range(prefix, options.startAfter ?? null, limit, revision)));
    if (this.#transformer !== null) for (const kv of result.kvs) this.#readable(kv);
    return result;
  }

  /** Events under `prefix` with afterRevision < revision <= upToRevision (default: `this.revision`). */
  eventsSince<T = unknown>(prefix: string, afterRevision: number, upToRevision: number = this.#revision): StoreEvent<T>[] {
    if (typeof prefix !== 'string') throw invalid('prefix must be a string');
    checkWhole(afterRevision, 'afterRevision');
    checkWhole(upToRevision, 'upToRevision');
    return committedEvents<T>(unpack<WireEvent[]>(this.#read(() => this.#native.eventsSince(prefix, afterRevision, upToRevision))), this.#decodeEvent);
  }

  /**
   * The live state as one snapshot (`rudder snapshot save`): every write acknowledged before the
   * call is in it, on any replica. History before its revision is not kept.
   */
  async snapshot(): Promise<Buffer> {
    if (this.#closing || this.#closed) throw closedError();
    await this.linearizableRead();
    const outcome = await this.#native.snapshot();
    if (outcome.code || !outcome.snapshot) throw storeError(Object.assign(new Error(outcome.message ?? 'no snapshot'), { code: outcome.code ?? 'Io' }));
    return outcome.snapshot;
  }

  /** Makes a new single-replica store in `dataDir` (which must not hold one) from a snapshot; returns its revision. */
  static restoreSnapshot(dataDir: string, snapshot: Buffer): number {
    checkKey(dataDir, 'dataDir');
    try {
      return loadNative().NativeStore.restoreSnapshot(dataDir, snapshot);
    } catch (error) {
      throw storeError(error);
    }
  }

  /** Transforms the values of the keys it applies to from now on (encryption at rest); null stops. */
  setTransformer(transformer: ValueTransformer | null): void {
    this.#transformer = transformer;
  }

  #fromStored(key: string, value: unknown): unknown {
    const transformer = this.#transformer;
    return transformer !== null && transformer.applies(key) ? transformer.fromStored(key, value) : value;
  }

  #readable<K extends { key: string; value: unknown; stale?: true }>(kv: K): K {
    const transformer = this.#transformer;
    if (transformer === null || !transformer.applies(kv.key)) return kv;
    if (transformer.isStale(kv.key, kv.value)) kv.stale = true;
    kv.value = transformer.fromStored(kv.key, kv.value) as K['value'];
    return kv;
  }

  /** Calls `listener` with every committed event, in revision order, until the returned function is called. */
  onCommit(listener: CommitListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Drops history at and below `revision`; reads below it then fail with code 'Compacted'. */
  compact(revision: number): Promise<void> {
    if (this.#closing || this.#closed) return Promise.reject(closedError());
    try {
      checkWhole(revision, 'revision');
    } catch (error) {
      return Promise.reject(storeError(error));
    }
    // Transactions proposed earlier in this turn go first.
    this.#flush();
    const id = this.#takeId();
    const done = this.#wait<void>(id);
    try {
      this.#native.compact(id, revision);
    } catch (error) {
      this.#settle(id, (waiter) => waiter.reject(storeError(error)));
      this.#releaseIfIdle();
    }
    return done;
  }

  status(): StoreStatus {
    return this.#read(() => this.#native.status());
  }

  /** Applies what was already proposed, then closes the files; later calls fail with code 'Closed'. */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    if (this.#closed) {
      // The native store already stopped on its own (a storage error); nothing is pending.
      this.#closing = Promise.resolve();
      return this.#closing;
    }
    this.#closing = new Promise<void>((resolve) => {
      this.#onClosed = resolve;
    });
    this.#flush();
    this.#hold();
    this.#native.close();
    return this.#closing;
  }

  #takeId(): number {
    const id = this.#nextId;
    this.#nextId = id >= 0xffff_ffff ? 1 : id + 1;
    return id;
  }

  #wait<T>(id: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#waiters.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#hold();
    });
  }

  #settle(id: number, how: (waiter: Waiter) => void): void {
    const waiter = this.#waiters.get(id);
    if (!waiter) return;
    this.#waiters.delete(id);
    how(waiter);
  }

  #flush(): void {
    this.#flushScheduled = false;
    const batch = this.#queue;
    if (batch.length === 0) return;
    this.#queue = [];
    let rejected;
    try {
      rejected = this.#native.propose(packr.pack(batch));
    } catch (error) {
      const failure = storeError(error);
      for (const [id] of batch) this.#settle(id, (waiter) => waiter.reject(failure));
      this.#releaseIfIdle();
      return;
    }
    for (const { id, code, message } of rejected) {
      this.#settle(id, (waiter) => waiter.reject(storeError(Object.assign(new Error(message), { code }))));
    }
    this.#releaseIfIdle();
  }

  #read<T>(read: () => T): T {
    try {
      return read();
    } catch (error) {
      throw storeError(error);
    }
  }

  #onNotice(buffer: Buffer): void {
    const notice = unpack<Notice>(buffer);
    if (notice.type === 'closed') {
      this.#closed = true;
      for (const id of [...this.#waiters.keys()]) this.#settle(id, (waiter) => waiter.reject(closedError()));
      this.#onClosed();
      this.#releaseIfIdle();
      return;
    }
    if (notice.type === 'reads') {
      const failure = notice.error ? storeError(Object.assign(new Error(notice.error.message), { code: notice.error.code })) : null;
      for (const id of notice.ids) {
        this.#settle(id, (waiter) => (failure ? waiter.reject(failure) : waiter.resolve(undefined)));
      }
      this.#releaseIfIdle();
      return;
    }
    if (notice.type === 'reset') {
      this.#revision = notice.revision;
      this.#compactRevision = notice.compactRevision;
      for (const listener of [...this.#resetListeners]) {
        try {
          listener(notice.revision, notice.compactRevision);
        } catch (error) {
          queueMicrotask(() => {
            throw error;
          });
        }
      }
      return;
    }
    // Set before delivery: a watcher that registers from inside a listener catches up through
    // this revision with eventsSince and is not in this delivery's snapshot of listeners.
    this.#revision = notice.revision;
    this.#compactRevision = notice.compactRevision;
    if (notice.events.length > 0) {
      const events = committedEvents(notice.events, this.#decodeEvent);
      for (const listener of [...this.#listeners]) {
        try {
          listener(events, notice.revision);
        } catch (error) {
          // A listener's bug must not cost other listeners or waiting writers their results.
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    }
    for (const outcome of notice.outcomes) {
      if (outcome.txn && this.#transformer !== null) {
        for (const kv of outcome.txn.prev) if (kv) this.#readable(kv);
        for (const kv of outcome.txn.current) if (kv) this.#readable(kv);
      }
      this.#settle(outcome.id, (waiter) => {
        if (outcome.error) waiter.reject(storeError(Object.assign(new Error(outcome.error.message), { code: outcome.error.code })));
        else waiter.resolve(outcome.txn);
      });
    }
    this.#releaseIfIdle();
  }

  #hold(): void {
    this.#keepAlive ??= setInterval(() => {}, 1 << 30);
  }

  #releaseIfIdle(): void {
    const awaitingClose = this.#closing !== null && !this.#closed;
    if (this.#keepAlive && this.#waiters.size === 0 && !awaitingClose) {
      clearInterval(this.#keepAlive);
      this.#keepAlive = null;
    }
  }
}
