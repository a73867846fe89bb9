// npm run bench -- proxy: kube-proxy-shaped rulesets of 10,000 Services x 10 endpoints.
// compile: the TypeScript reference against the native compiler in one run, each from the
// proxy's in-memory Services and EndpointSlices to the iptables-restore text. `ratio` is the
// proxy's first (full) sync: every object handed to a fresh native state (msgpack encoding
// included) and compiled into one Buffer. `resyncRatio` is the full sync a proxy runs every
// --iptables-sync-period with nothing changed (the state already holds the cluster and has
// synced before, so its output buffers are reused);
// `oneShotRatio` the one-call form (the whole input as one msgpack buffer, text back as a
// string); `partialRatio` a sync after one endpoint changed, where the native state receives
// only that EndpointSlice and the reference compiles everything again.
// sync: a full sync (a fresh state's compile, then iptables-legacy-restore --noflush into a
// scratch network namespace made and removed here) and the share compiling takes of it; the
// periodic full sync of the same state; then a partial sync after one endpoint changes (only
// that service's chains are written).
import { loadavg } from 'node:os';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { NetNs } from '../lib/launch/netns.js';
import { syntheticCluster } from '../lib/launch/proxy-cluster.js';
import { nativeProxyRules, type CompiledRules, type NativeProxyState } from '../lib/native/proxy.js';
import { compileReference } from '../lib/proxy/iptables.js';
import { ensureJumpSteps } from '../lib/proxy/jump-chains.js';
import type { ProxyInput, Ruleset, SyncRequest } from '../lib/proxy/model.js';
import { printTable, writeResults } from './lib/results.js';

const SERVICES = Number(process.env.RUDDER_BENCH_PROXY_SERVICES ?? 10_000);
const ENDPOINTS = 10;
const RUNS = 5;

/** Wall-clock seconds, and the CPU seconds of this process (the machine is shared: CPU time is
 * what the work itself costs when other processes hold the cores). */
function timed<T>(run: () => T): { value: T; seconds: number; cpuSeconds: number } {
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const value = run();
  const used = process.cpuUsage(cpu);
  return { value, seconds: Number(process.hrtime.bigint() - start) / 1e9, cpuSeconds: (used.user + used.system) / 1e6 };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const round = (x: number, digits = 4) => Number(x.toFixed(digits));

interface Samples {
  reference: number[];
  native: number[];
  resync: number[];
  referencePartial: number[];
  nativePartial: number[];
}

/** Medians of each path's samples and the reference's ratio to each native path. */
function summary(samples: Samples) {
  return {
    referenceSeconds: round(median(samples.reference)),
    nativeSeconds: round(median(samples.native)),
    ratio: round(median(samples.reference) / median(samples.native), 2),
    resyncSeconds: round(median(samples.resync)),
    resyncRatio: round(median(samples.reference) / median(samples.resync), 2),
    referencePartialSeconds: round(median(samples.referencePartial)),
    nativePartialSeconds: round(median(samples.nativePartial)),
    partialRatio: round(median(samples.referencePartial) / median(samples.nativePartial), 2),
  };
}
const keyOf = (o: { metadata?: { namespace?: string; name?: string } }) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

/** What a proxy does at its first sync: every object into a fresh state, then a full compile. */
function firstSync(native: ReturnType<typeof nativeProxyRules>, cluster: ProxyInput): { state: NativeProxyState; compiled: CompiledRules } {
  const state = native.state(cluster.settings);
  for (const service of cluster.services) state.setService(keyOf(service), service);
  for (const slice of cluster.endpointSlices) state.setSlice(keyOf(slice), slice);
  return { state, compiled: state.syncNow({ full: true }) };
}

/** The cluster with one endpoint of the first service moved, and that service's key and slice. */
function oneEndpointMoved(cluster: ProxyInput): { changed: ProxyInput; service: string; slice: EndpointSlice } {
  const changed = { ...cluster, endpointSlices: [...cluster.endpointSlices] };
  const slice = structuredClone(cluster.endpointSlices[0]!);
  slice.endpoints[0]!.addresses = ['10.255.255.1'];
  changed.endpointSlices[0] = slice;
  return { changed, service: keyOf(cluster.services[0]!), slice };
}

export async function benchProxy(): Promise<void> {
  const load = loadavg()[0]!;
  const native = nativeProxyRules();
  const cluster: ProxyInput = syntheticCluster(SERVICES, ENDPOINTS);
  const full: SyncRequest = { full: true };
  const moved = oneEndpointMoved(cluster);
  const partial: SyncRequest = { full: false, changedServices: [moved.service] };

  // 1. compile: reference and native, alternating, the median of each.
  const samples = (): Samples => ({ reference: [], native: [], resync: [], referencePartial: [], nativePartial: [] });
  const times = { ...samples(), oneShot: [] as number[] };
  const cpu = samples();
  let reference: Ruleset | undefined;
  let compiled: CompiledRules | undefined;
  let identical = true;
  for (let i = 0; i < RUNS; i++) {
    const r = timed(() => compileReference(cluster, full));
    times.reference.push(r.seconds);
    cpu.reference.push(r.cpuSeconds);
    reference = r.value;
    const n = timed(() => firstSync(native, cluster));
    times.native.push(n.seconds);
    cpu.native.push(n.cpuSeconds);
    compiled = n.value.compiled;
    identical &&= compiled.rules.toString() === reference.text;
    // Steady state: one resync first, as a running proxy has had many (its buffers are reused).
    n.value.state.syncNow({ full: true });
    const resync = timed(() => n.value.state.syncNow({ full: true }));
    times.resync.push(resync.seconds);
    cpu.resync.push(resync.cpuSeconds);
    identical &&= resync.value.rules.toString() === reference.text;
    const o = timed(() => native.compile(cluster, full));
    times.oneShot.push(o.seconds);
    identical &&= o.value.text === reference.text;

    const rp = timed(() => compileReference(moved.changed, partial));
    times.referencePartial.push(rp.seconds);
    cpu.referencePartial.push(rp.cpuSeconds);
    const { state } = n.value;
    const np = timed(() => {
      state.setSlice(keyOf(moved.slice), moved.slice);
      return state.syncNow({ full: false });
    });
    times.nativePartial.push(np.seconds);
    cpu.nativePartial.push(np.cpuSeconds);
    identical &&= np.value.rules.toString() === rp.value.text;
  }
  const compile = {
    services: SERVICES,
    endpointsPerService: ENDPOINTS,
    ...summary(times),
    oneShotSeconds: round(median(times.oneShot)),
    oneShotRatio: round(median(times.reference) / median(times.oneShot), 2),
    cpu: summary(cpu),
    identical,
    bytes: compiled!.rules.length,
    natRules: compiled!.natRules,
    filterRules: compiled!.filterRules,
  };

  // 2. sync: a full sync into a scratch namespace, then a partial one after one endpoint moves.
  const ns = NetNs.create('rudder-bench-proxy');
  let sync: Record<string, unknown>;
  try {
    const made = new Set<string>();
    for (const step of ensureJumpSteps()) {
      if (!made.has(step.create.join(' '))) ns.run('iptables-legacy', step.create);
      made.add(step.create.join(' '));
      ns.run('iptables-legacy', step.insert);
    }
    const restore = (rules: Buffer) => timed(() => ns.run('iptables-legacy-restore', ['--noflush', '--counters'], rules));
    const fullCompile = timed(() => firstSync(native, cluster));
    const fullRestore = restore(fullCompile.value.compiled.rules);
    const fullSeconds = fullCompile.seconds + fullRestore.seconds;

    // The full sync a proxy runs every --iptables-sync-period: the state already holds the cluster.
    const { state } = fullCompile.value;
    restore(state.syncNow({ full: true }).rules);
    const resyncCompile = timed(() => state.syncNow({ full: true }));
    const resyncRestore = restore(resyncCompile.value.rules);

    const existingNatChains = state.activeNatChains();
    const partialCompile = timed(() => {
      state.setSlice(keyOf(moved.slice), moved.slice);
      return state.syncNow({ full: false, existingNatChains });
    });
    const partialRestore = restore(partialCompile.value.rules);
    const natChains = ns.run('iptables-legacy-save', ['-t', 'nat']).split('\n').filter((l) => l.startsWith(':KUBE-SEP-')).length;
    sync = {
      backend: 'iptables-legacy',
      fullSeconds: round(fullSeconds),
      fullCompileSeconds: round(fullCompile.seconds),
      fullCompileCpuSeconds: round(fullCompile.cpuSeconds),
      fullRestoreSeconds: round(fullRestore.seconds),
      compileFraction: round(fullCompile.seconds / fullSeconds),
      resyncSeconds: round(resyncCompile.seconds + resyncRestore.seconds),
      resyncCompileSeconds: round(resyncCompile.seconds),
      resyncCompileFraction: round(resyncCompile.seconds / (resyncCompile.seconds + resyncRestore.seconds)),
      partialSeconds: round(partialCompile.seconds + partialRestore.seconds),
      partialCompileSeconds: round(partialCompile.seconds),
      partialRestoreSeconds: round(partialRestore.seconds),
      partialCompileFraction: round(partialCompile.seconds / (partialCompile.seconds + partialRestore.seconds)),
      partialBytes: partialCompile.value.rules.length,
      partialDeletedChains: partialCompile.value.deletedChains,
      endpointChainsAfter: natChains,
    };
  } finally {
    await ns.remove();
  }

  const path = writeResults('proxy', { loadAverage: load, compile, sync });
  printTable([
    ['step', 'seconds', 'note'],
    ['compile, TypeScript reference', compile.referenceSeconds, `${SERVICES} services x ${ENDPOINTS} endpoints`],
    ['compile, native (first sync)', compile.nativeSeconds, `ratio ${compile.ratio}x (CPU time ${compile.cpu.ratio}x), identical text: ${identical}`],
    ['compile, native periodic full resync', compile.resyncSeconds, `ratio ${compile.resyncRatio}x (CPU time ${compile.cpu.resyncRatio}x), cluster already held`],
    ['compile, native one-shot', compile.oneShotSeconds, `ratio ${compile.oneShotRatio}x`],
    ['partial compile, reference', compile.referencePartialSeconds, 'one endpoint moved'],
    ['partial compile, native state', compile.nativePartialSeconds, `ratio ${compile.partialRatio}x (CPU time ${compile.cpu.partialRatio}x)`],
    ['full sync (compile + restore)', sync.fullSeconds as number, `compile ${(100 * (sync.compileFraction as number)).toFixed(1)} % of it`],
    ['periodic full sync', sync.resyncSeconds as number, `compile ${(100 * (sync.resyncCompileFraction as number)).toFixed(1)} % of it`],
    ['partial sync, one endpoint', sync.partialSeconds as number, `${sync.partialBytes} bytes restored`],
  ]);
  process.stdout.write(`load average ${load} at the start; written to ${path}\n`);
}
