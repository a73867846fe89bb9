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
}

export interface NativeStoreClass {
  open(dataDir: string, options?: NativeStoreOptions | null): NativeStore;
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
