// The Rust proxy rules compiler (crates/netrules through crates/napi): the input crosses the
// boundary as one JSON string, one call per sync.
import type { ProxyInput, ProxyRulesCompiler, Ruleset, SyncRequest } from '../proxy/model.js';
import { defaultBinaryPath, loadNative } from './index.js';

export type { ProxyRuleset, ProxySyncRequest } from '../../native/index.js';

/** The native compiler; throws one sentence on how to build the addon when it is missing. */
export function nativeProxyRules(path: string = defaultBinaryPath): {
  compile: ProxyRulesCompiler;
  compileAsync: (input: ProxyInput, request: SyncRequest) => Promise<Ruleset>;
} {
  const binding = loadNative(path);
  return {
    compile: (input, request) => binding.compileProxyRules(JSON.stringify(input), request),
    compileAsync: (input, request) => binding.compileProxyRulesAsync(JSON.stringify(input), request),
  };
}
