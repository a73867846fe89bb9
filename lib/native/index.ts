// Loads the Rust addon (native/rudder.node) and names its raw interface. Every module that needs
// native code goes through here, so a missing build fails in one place with one sentence. The
// types are the declarations napi-rs generates from crates/napi beside the addon
// (native/index.d.ts, written by `npm run build:native`), so they cannot drift from the binary.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { compileProxyRules, compileProxyRulesAsync, NativeStore, ProxyRulesState, SchedKernel } from '../../native/index.js';

export type { NativeStore, ReplicaState, ReplicationConfig, StoreOptions, StoreStatus } from '../../native/index.js';

/** The addon's exports: its classes and functions. */
export interface NativeBinding {
  NativeStore: typeof NativeStore;
  SchedKernel: typeof SchedKernel;
  compileProxyRules: typeof compileProxyRules;
  compileProxyRulesAsync: typeof compileProxyRulesAsync;
  ProxyRulesState: typeof ProxyRulesState;
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
