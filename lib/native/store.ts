// The durable store as the apiserver uses it: values are JS objects (plain msgpack), writes
// are transactions batched per event-loop turn, reads are synchronous.
//
// Ordering contract: a txn's promise resolves only after its events were delivered to every
// onCommit listener, so a watcher registered before a write sees the write before the writer
// gets its response. `store.revision` is the newest revision delivered to listeners;
// `eventsSince(prefix, rev)` reads up to it by default, so a new watcher can catch up with
// eventsSince and then follow onCommit, registered in the same synchronous step, with no gap
// and no duplicate.
import { Packr, Unpackr } from 'msgpackr';
import { loadNative, type NativeStore } from './index.js';

export interface KeyValue<T = unknown> {
  key: string;
  createRevision: number;
  modRevision: number;
  version: number;
  value: T;
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

export interface StoreStatus {
  revision: number;
  compactRevision: number;
  keys: number;
  dbSizeBytes: number;
  /** Records on disk (window plus latest versions, and superseded ones not deleted yet). */
  records: number;
  historyEvents: number;
  /** Durable commits and proposals applied since open: proposals / commits is the batching. */
  commits: number;
  proposals: number;
}

export interface StoreOpenOptions {
  dataDir: string;
  /** Revisions of history kept for eventsSince and reads at old revisions (default 100000). */
  historyRevisions?: number;
  /** Most proposals in one durable commit (default 1024). */
  maxBatch?: number;
}

/** `Internal` marks a bug in the native store, never bad input. */
export type StoreErrorCode = 'Compacted' | 'FutureRevision' | 'InvalidArgument' | 'Closed' | 'Io' | 'Internal';

const codes = new Set<string>(['Compacted', 'FutureRevision', 'InvalidArgument', 'Closed', 'Io', 'Internal']);

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

interface WireOutcome {
  id: number;
  txn?: TxnResult;
  compacted?: number;
  error?: { code: string; message: string };
}

type Notice =
  | { type: 'commit'; revision: number; compactRevision: number; outcomes: WireOutcome[]; events: StoreEvent[] }
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

const packr = new Packr({ useRecords: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });

function unpack<T>(buffer: Buffer): T {
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

function encodeOp(op: TxnOp): WireOp {
  if (typeof op !== 'object' || op === null) throw invalid('each op must be an object');
  const key = checkKey(op.key, 'op.key');
  if (op.type === 'delete') return { type: 'delete', key };
  if (op.type !== 'put') throw invalid(`op.type must be put or delete, got ${String((op as { type: unknown }).type)}`);
  if (op.value === undefined) throw invalid(`put of ${key} needs a value`);
  let value: Buffer;
  try {
    value = packr.pack(op.value);
  } catch (error) {
    throw invalid(`value of ${key} cannot be encoded as msgpack: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { type: 'put', key, value };
}

function encodeOps(list: TxnOp[] | undefined, what: string): WireOp[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw invalid(`txn.${what} must be an array`);
  return list.map(encodeOp);
}

function encodeTxn(txn: Txn): WireTxn {
  if (typeof txn !== 'object' || txn === null) throw invalid('a txn must be an object');
  if (!Array.isArray(txn.success)) throw invalid('txn.success must be an array');
  if (txn.compare !== undefined && !Array.isArray(txn.compare)) throw invalid('txn.compare must be an array');
  return {
    compare: (txn.compare ?? []).map(encodeCompare),
    success: encodeOps(txn.success, 'success'),
    failure: encodeOps(txn.failure, 'failure'),
  };
}

export class Store {
  readonly #native: NativeStore;
  readonly #waiters = new Map<number, Waiter>();
  readonly #listeners = new Set<CommitListener>();
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
    const nativeOptions: { historyRevisions?: number; maxBatch?: number } = {};
    if (options.historyRevisions !== undefined) nativeOptions.historyRevisions = checkWhole(options.historyRevisions, 'historyRevisions');
    if (options.maxBatch !== undefined) nativeOptions.maxBatch = checkWhole(options.maxBatch, 'maxBatch');
    const binding = loadNative();
    try {
      return new Store(binding.NativeStore.open(options.dataDir, nativeOptions));
    } catch (error) {
      throw storeError(error);
    }
  }

  private constructor(native: NativeStore) {
    this.#native = native;
    const status = native.status();
    this.#revision = status.revision;
    this.#compactRevision = status.compactRevision;
    native.setListener((notice) => this.#onNotice(notice));
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
      wire = encodeTxn(txn);
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
    return buffer ? unpack<KeyValue<T>>(buffer) : null;
  }

  range<T = unknown>(prefix: string, options: RangeOptions = {}): RangeResult<T> {
    if (typeof prefix !== 'string') throw invalid('prefix must be a string');
    if (options.startAfter !== undefined && typeof options.startAfter !== 'string') throw invalid('startAfter must be a string');
    const limit = checkWhole(options.limit ?? 0, 'limit');
    const revision = checkWhole(options.revision ?? 0, 'revision');
    return unpack<RangeResult<T>>(this.#read(() => this.#native.range(prefix, options.startAfter ?? null, limit, revision)));
  }

  /** Events under `prefix` with afterRevision < revision <= upToRevision (default: `this.revision`). */
  eventsSince<T = unknown>(prefix: string, afterRevision: number, upToRevision: number = this.#revision): StoreEvent<T>[] {
    if (typeof prefix !== 'string') throw invalid('prefix must be a string');
    checkWhole(afterRevision, 'afterRevision');
    checkWhole(upToRevision, 'upToRevision');
    return unpack<StoreEvent<T>[]>(this.#read(() => this.#native.eventsSince(prefix, afterRevision, upToRevision)));
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
    // Set before delivery: a watcher that registers from inside a listener catches up through
    // this revision with eventsSince and is not in this delivery's snapshot of listeners.
    this.#revision = notice.revision;
    this.#compactRevision = notice.compactRevision;
    if (notice.events.length > 0) {
      for (const listener of [...this.#listeners]) {
        try {
          listener(notice.events, notice.revision);
        } catch (error) {
          // A listener's bug must not cost other listeners or waiting writers their results.
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    }
    for (const outcome of notice.outcomes) {
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
