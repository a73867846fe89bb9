// The Rust proxy rules compiler (crates/netrules through crates/napi). Input crosses the boundary
// as msgpack (the objects as the API serves them), the iptables-restore text comes back as one
// Buffer. A proxy holds its cluster in a native state (`NativeProxyState`): between syncs it
// collects the Services and EndpointSlices that changed, and each sync hands over only those.
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { encodeMsgpack } from '../api/msgpack.js';
import type { NodeSettings, ProxyInput, ProxyRulesCompiler, Ruleset, SyncRequest } from '../proxy/model.js';
import type { ProxyRuleset, ProxyRulesState, ProxyStateSyncRequest } from '../../native/index.js';
import { defaultBinaryPath, loadNative } from './index.js';

export type { ProxyRuleset, ProxySyncRequest } from '../../native/index.js';

/**
 * What a sync of a native state writes: the text as bytes, the counts as a Ruleset's. `rules`
 * lives in a buffer the state reuses: it holds this sync's text until the state's next sync.
 */
export type CompiledRules = Omit<Ruleset, 'text' | 'activeNatChains'> & { rules: Buffer };

function toRuleset(c: ProxyRuleset): Ruleset {
  return {
    text: c.rules?.toString() ?? '',
    filterChains: c.filterChains,
    filterRules: c.filterRules,
    natChains: c.natChains,
    natRules: c.natRules,
    natRulesTotal: c.natRulesTotal,
    deletedChains: c.deletedChains,
    activeNatChains: c.activeNatChains ?? '',
    largeCluster: c.largeCluster,
    noLocalEndpointsInternal: c.noLocalEndpointsInternal,
    noLocalEndpointsExternal: c.noLocalEndpointsExternal,
  };
}

interface Changes {
  services: Map<string, Service | null>;
  endpointSlices: Map<string, EndpointSlice | null>;
  settings: NodeSettings | undefined;
}

/** The wire form of changes: [key, object or null] pairs. */
function encodeChanges(changes: Changes): Buffer {
  return encodeMsgpack({
    services: [...changes.services],
    endpointSlices: [...changes.endpointSlices],
    ...(changes.settings ? { settings: changes.settings } : {}),
  });
}

/** The existing chains cross as one string, one per line, not as an array of 100,000 strings. */
function stateRequest(request: Omit<SyncRequest, 'changedServices'>): ProxyStateSyncRequest {
  return { full: request.full, ...(request.existingNatChains ? { existingNatChains: request.existingNatChains.join('\n') } : {}) };
}

/**
 * A proxy's Services and EndpointSlices for one IP family, held natively between syncs. Changes
 * are collected here (the last one per key wins) and cross into the native state with the next
 * sync, in one msgpack buffer; the state also knows which services changed since the last sync.
 */
export class NativeProxyState {
  private services = new Map<string, Service | null>();
  private slices = new Map<string, EndpointSlice | null>();
  private settings: NodeSettings | undefined;
  /** Where each sync's text is copied; grown as needed, never fresh memory for every sync. */
  private out = Buffer.alloc(0);

  constructor(private readonly state: ProxyRulesState) {}

  /** A Service added or changed (`undefined`: deleted); `key` is "namespace/name". */
  setService(key: string, service: Service | undefined): void {
    this.services.set(key, service ?? null);
  }

  /** An EndpointSlice added or changed (`undefined`: deleted); `key` is "namespace/name". */
  setSlice(key: string, slice: EndpointSlice | undefined): void {
    this.slices.set(key, slice ?? null);
  }

  /** New node settings, used from the next sync on (which should then be a full one). */
  setSettings(settings: NodeSettings): void {
    this.settings = settings;
  }

  /** Compiles on the libuv pool: every chain when `full`, else those of changed services. */
  async sync(request: Omit<SyncRequest, 'changedServices'>): Promise<CompiledRules> {
    return this.withRules(await this.send((changes) => this.state.syncAsync(changes, stateRequest(request))));
  }

  /** `sync` on this thread. */
  syncNow(request: Omit<SyncRequest, 'changedServices'>): CompiledRules {
    return this.withRules(this.send((changes) => this.state.sync(changes, stateRequest(request))));
  }

  private withRules(compiled: ProxyRuleset): CompiledRules {
    if (this.out.length < compiled.byteLength) this.out = Buffer.allocUnsafeSlow(Math.ceil(compiled.byteLength * 1.25));
    const length = this.state.copyRules(this.out);
    return {
      filterChains: compiled.filterChains,
      filterRules: compiled.filterRules,
      natChains: compiled.natChains,
      natRules: compiled.natRules,
      natRulesTotal: compiled.natRulesTotal,
      deletedChains: compiled.deletedChains,
      largeCluster: compiled.largeCluster,
      noLocalEndpointsInternal: compiled.noLocalEndpointsInternal,
      noLocalEndpointsExternal: compiled.noLocalEndpointsExternal,
      rules: this.out.subarray(0, length),
    };
  }

  /** Hands the pending changes to `call`; if it throws (or rejects), they stay pending. */
  private send<T>(call: (changes: Buffer) => T): T {
    const changes = this.takeChanges();
    const keep = (error: unknown): never => {
      this.giveBack(changes);
      throw error;
    };
    try {
      const result = call(encodeChanges(changes));
      return (result instanceof Promise ? result.catch(keep) : result) as T;
    } catch (error) {
      return keep(error);
    }
  }

  /** The service and endpoint chains of the last sync. */
  activeNatChains(): string[] {
    const text = this.state.activeNatChains();
    return text === '' ? [] : text.split('\n');
  }

  private takeChanges(): Changes {
    const changes = { services: this.services, endpointSlices: this.slices, settings: this.settings };
    this.services = new Map();
    this.slices = new Map();
    this.settings = undefined;
    return changes;
  }

  /** A refused sync applied none of its changes (the state decodes them all first): keep those not changed again since. */
  private giveBack(changes: Changes): void {
    for (const [key, service] of changes.services) if (!this.services.has(key)) this.services.set(key, service);
    for (const [key, slice] of changes.endpointSlices) if (!this.slices.has(key)) this.slices.set(key, slice);
    this.settings ??= changes.settings;
  }
}

/** The native compiler; throws one sentence on how to build the addon when it is missing. */
export function nativeProxyRules(path: string = defaultBinaryPath): {
  compile: ProxyRulesCompiler;
  compileAsync: (input: ProxyInput, request: SyncRequest) => Promise<Ruleset>;
  /** A native state for a proxy of one IP family; throws InvalidArgument for bad settings. */
  state: (settings: NodeSettings) => NativeProxyState;
} {
  const binding = loadNative(path);
  return {
    compile: (input, request) => toRuleset(binding.compileProxyRules(encodeMsgpack(input), request)),
    compileAsync: async (input, request) => toRuleset(await binding.compileProxyRulesAsync(encodeMsgpack(input), request)),
    state: (settings) => new NativeProxyState(new binding.ProxyRulesState(encodeMsgpack(settings))),
  };
}
