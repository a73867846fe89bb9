// npm run bench -- proxy: kube-proxy-shaped rulesets of 10,000 Services x 10 endpoints.
// compile: the TypeScript reference against the native compiler (JSON encoding of the input
// included), in one run. sync: a full sync (compile, then iptables-legacy-restore --noflush
// into a scratch network namespace made and removed here) and the share compiling takes of it;
// then a partial sync after one endpoint changes (only that service's chains are written).
import { loadavg } from 'node:os';
import { NetNs } from '../lib/harness/netns.js';
import { syntheticCluster } from '../lib/harness/proxy-cluster.js';
import { nativeProxyRules } from '../lib/native/proxy.js';
import { compileReference } from '../lib/proxy/iptables.js';
import { ensureJumpSteps } from '../lib/proxy/jump-chains.js';
import type { ProxyInput, Ruleset, SyncRequest } from '../lib/proxy/model.js';
import { printTable, writeResults } from './lib/results.js';

const SERVICES = Number(process.env.RUDDER_BENCH_PROXY_SERVICES ?? 10_000);
const ENDPOINTS = 10;
const RUNS = 3;

function timed<T>(run: () => T): { value: T; seconds: number } {
  const start = process.hrtime.bigint();
  const value = run();
  return { value, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const round = (x: number, digits = 4) => Number(x.toFixed(digits));

export async function benchProxy(): Promise<void> {
  const load = loadavg()[0]!;
  const native = nativeProxyRules();
  const cluster: ProxyInput = syntheticCluster(SERVICES, ENDPOINTS);
  const full: SyncRequest = { full: true };

  // 1. compile: reference and native, alternating, the median of each.
  const referenceTimes: number[] = [];
  const nativeTimes: number[] = [];
  let reference: Ruleset | undefined;
  let compiled: Ruleset | undefined;
  for (let i = 0; i < RUNS; i++) {
    const r = timed(() => compileReference(cluster, full));
    referenceTimes.push(r.seconds);
    reference = r.value;
    const n = timed(() => native.compile(cluster, full));
    nativeTimes.push(n.seconds);
    compiled = n.value;
  }
  const identical = reference!.text === compiled!.text;
  const compile = {
    services: SERVICES,
    endpointsPerService: ENDPOINTS,
    referenceSeconds: round(median(referenceTimes)),
    nativeSeconds: round(median(nativeTimes)),
    ratio: round(median(referenceTimes) / median(nativeTimes), 2),
    identical,
    bytes: compiled!.text.length,
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
    const restore = (text: string) => timed(() => ns.run('iptables-legacy-restore', ['--noflush', '--counters'], text));
    const fullCompile = timed(() => native.compile(cluster, full));
    const fullRestore = restore(fullCompile.value.text);
    const fullSeconds = fullCompile.seconds + fullRestore.seconds;

    const changed = structuredClone(cluster);
    changed.endpointSlices[0]!.endpoints[0]!.addresses = ['10.255.255.1'];
    const service = `${changed.services[0]!.metadata!.namespace}/${changed.services[0]!.metadata!.name}`;
    const partialCompile = timed(() => native.compile(changed, { full: false, changedServices: [service], existingNatChains: fullCompile.value.activeNatChains.split('\n') }));
    const partialRestore = restore(partialCompile.value.text);
    const natChains = ns.run('iptables-legacy-save', ['-t', 'nat']).split('\n').filter((l) => l.startsWith(':KUBE-SEP-')).length;
    sync = {
      backend: 'iptables-legacy',
      fullSeconds: round(fullSeconds),
      fullCompileSeconds: round(fullCompile.seconds),
      fullRestoreSeconds: round(fullRestore.seconds),
      compileFraction: round(fullCompile.seconds / fullSeconds),
      partialSeconds: round(partialCompile.seconds + partialRestore.seconds),
      partialCompileSeconds: round(partialCompile.seconds),
      partialRestoreSeconds: round(partialRestore.seconds),
      partialBytes: partialCompile.value.text.length,
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
    ['compile, native', compile.nativeSeconds, `ratio ${compile.ratio}x, identical text: ${identical}`],
    ['full sync (compile + restore)', sync.fullSeconds as number, `compile ${(100 * (sync.compileFraction as number)).toFixed(1)} % of it`],
    ['partial sync, one endpoint', sync.partialSeconds as number, `${sync.partialBytes} bytes restored`],
  ]);
  process.stdout.write(`load average ${load} at the start; written to ${path}\n`);
}
