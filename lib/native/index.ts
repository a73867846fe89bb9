// Loads the Rust addon (native/rudder.node) and describes its raw interface. Every module that
// needs native code goes through here, so a missing build fails in one place with one sentence.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** Options of `NativeStore.open`; both are whole numbers of at least 1. */
export interface NativeStoreOptions {
  historyRevisions?: number;
  maxBatch?: number;
}

/** A proposal the store refused before it entered the log (bad input). */
export interface NativeRejection {
  id: number;
  code: string;
  message: string;
}

export interface NativePeerAddress {
  id: number;
  address: string;
}

/** Options of `NativeStore.openReplicated`. */
export interface NativeReplicationConfig {
  id: number;
  listen: string;
  peers: NativePeerAddress[];
  join?: boolean;
  tickMs?: number;
  electionTicks?: number;
  heartbeatTicks?: number;
  requestTimeoutMs?: number;
  snapshotWrites?: number;
  catchUpEntries?: number;
  tls: { caFile: string; certFile: string; keyFile: string };
}

export interface NativeReplicaState {
  id: number;
  role: 'leader' | 'follower' | 'candidate';
  term: number;
  leader: number;
  commitIndex: number;
  appliedIndex: number;
  firstIndex: number;
  lastIndex: number;
  snapshotIndex: number;
  members: NativePeerAddress[];
  removed: boolean;
  blocked: number[];
  address: string;
}

export interface NativeStoreStatus {
  revision: number;
  compactRevision: number;
  keys: number;
  dbSizeBytes: number;
  records: number;
  historyEvents: number;
  commits: number;
  proposals: number;
}

/**
 * The raw store. Reads return msgpack Buffers (stored values embedded as they are); writes are
 * queued and their outcomes, with every committed event, arrive as one msgpack notice per
 * commit through `setListener`, in commit order, ending with `{type: 'closed'}` after `close`.
 * A replica also sends `{type: 'reads', ids, error?}` when linearizable reads may be served and
 * `{type: 'reset', revision, compactRevision}` when a snapshot replaced its whole state.
 * Errors are thrown as Error objects with a string `code`.
 */
export interface NativeStore {
  setListener(listener: (notice: Buffer) => void): void;
  /** `batch`: msgpack array of `[id, {compare, success, failure}]`, put values as msgpack bin. */
  propose(batch: Buffer): NativeRejection[];
  compact(id: number, revision: number): void;
  range(prefix: string, startAfter?: string | null, limit?: number | null, revision?: number | null): Buffer;
  get(key: string, revision?: number | null): Buffer | null;
  eventsSince(prefix: string, afterRevision: number, upToRevision?: number | null): Buffer;
  status(): NativeStoreStatus;
  close(): void;
  /** Replication: a linearizable read answered by a `{type: 'reads', ids, error?}` notice. */
  readIndex(id: number): void;
  replicaStatus(): NativeReplicaState | null;
  setBlockedPeers(peers: number[]): void;
  /** Adds the replica when `address` is given, removes it otherwise. */
  changeMember(id: number, address?: string | null): Promise<{ code?: string | null; message?: string | null }>;
}

export interface NativeStoreClass {
  open(dataDir: string, options?: NativeStoreOptions | null): NativeStore;
  openReplicated(dataDir: string, options: NativeStoreOptions | null, replication: NativeReplicationConfig): NativeStore;
}

export interface NativeBinding {
  NativeStore: NativeStoreClass;
}

/** Where `npm run build:native` puts the addon; this file runs from dist/lib/native/. */
export const defaultBinaryPath = fileURLToPath(new URL('../../../native/rudder.node', import.meta.url));

const loaded = new Map<string, NativeBinding>();

/** Loads the addon at `path` (once per path); throws one sentence on how to build it when it is missing. */
export function loadNative(path: string = defaultBinaryPath): NativeBinding {
  const cached = loaded.get(path);
  if (cached) return cached;
  if (!existsSync(path)) {
    throw new Error(`The native addon ${path} is missing; build it with "npm run build:native" (needs Rust's cargo).`);
  }
  const binding = createRequire(import.meta.url)(path) as NativeBinding;
  loaded.set(path, binding);
  return binding;
}
