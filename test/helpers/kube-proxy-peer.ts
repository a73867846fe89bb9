// The upstream kube-proxy (built by ../shared/kube-peers into ~/.cache/kube-peers/bin), run in
// a scratch namespace against a Rudder apiserver holding a fixture's objects, and the rules it
// wrote there; and Rudder's own ruleset applied the same way, so both are printed by one
// iptables-save (which reorders matches and adds /32 masks) before they are compared.
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ensureJumpSteps } from '../../lib/proxy/jump-chains.js';
import { normalizeRules } from '../../lib/proxy/normalize.js';
import { NetNs } from '../../lib/launch/netns.js';
import { DIST } from './paths.js';
import { until } from './until.js';

export const KUBE_PROXY = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'kube-peers', 'bin', 'kube-proxy');

export function kubeProxyUnavailable(): string | undefined {
  return existsSync(KUBE_PROXY) ? undefined : `no kube-proxy at ${KUBE_PROXY} (build it with ../shared/kube-peers/build.sh)`;
}

export interface PeerRun {
  /** kube-proxy's filter and nat tables (KUBE-* chains, canary chains left out), normalised. */
  rules: string;
  /** The Services and EndpointSlices the apiserver held (its own included). */
  objects: { services: Service[]; endpointSlices: EndpointSlice[] };
  /** kube-proxy's log, for failure messages. */
  log: string;
}

export interface PeerCluster {
  fixture: string;
  nodeName: string;
  nodeIP: string;
  clusterCIDR: string;
  masqueradeBit: number;
  localhostNodePorts: boolean;
  family: 'IPv4' | 'IPv6';
}

/** Saves a namespace's filter and nat tables with the given iptables-save and normalises them. */
export function savedRules(ns: NetNs, save: string): string {
  const text = ns.run(save, ['-t', 'filter']) + ns.run(save, ['-t', 'nat']);
  const kept = text
    .split('\n')
    .filter((line) => !/KUBE-PROXY-CANARY|KUBE-KUBELET-CANARY/.test(line))
    .join('\n');
  return normalizeRules(kept, { kubeChainsOnly: true });
}

/** Runs kube-proxy; `expectedChains` tells from the objects the apiserver holds which service chains to wait for. */
export async function runKubeProxy(cluster: PeerCluster, save: string, expectedChains: (objects: PeerRun['objects']) => string[]): Promise<PeerRun> {
  const ns = NetNs.create('rudder-kp');
  let log = '';
  try {
    const api = ns.spawn(process.execPath, [join(DIST, 'test', 'helpers', 'proxy-apiserver.js'), cluster.fixture, cluster.nodeName, cluster.nodeIP]);
    let apiOut = '';
    api.stdout!.on('data', (d: Buffer) => (apiOut += d.toString()));
    api.stderr!.on('data', (d: Buffer) => (apiOut += d.toString()));
    if (!(await until(() => apiOut.includes('"kubeconfig"'), 60_000, 100))) throw new Error(`the apiserver did not start:\n${apiOut}`);
    const started = JSON.parse(apiOut.slice(apiOut.indexOf('{'), apiOut.indexOf('\n', apiOut.indexOf('{')))) as { kubeconfig: string; objects: string };
    const kubeconfig = started.kubeconfig;
    const objects = JSON.parse(readFileSync(started.objects, 'utf8')) as PeerRun['objects'];
    const proxy = ns.spawn(KUBE_PROXY, [
      '--kubeconfig', kubeconfig,
      '--proxy-mode', 'iptables',
      '--hostname-override', cluster.nodeName,
      '--cluster-cidr', cluster.clusterCIDR,
      '--iptables-masquerade-bit', String(cluster.masqueradeBit),
      `--iptables-localhost-nodeports=${cluster.localhostNodePorts}`,
      '--conntrack-max-per-core', '0',
      '--v', '2',
    ]);
    proxy.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    proxy.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    const expected = expectedChains(objects);
    let last = '';
    let stableSince = Date.now();
    const settled = await until(
      () => {
        const now = savedRules(ns, save);
        if (now !== last) {
          last = now;
          stableSince = Date.now();
        }
        return expected.every((chain) => now.includes(`:${chain} `)) && Date.now() - stableSince > 3000;
      },
      90_000,
      500,
    );
    if (!settled) throw new Error(`kube-proxy did not write the expected chains:\n${last}\n${log.slice(-4000)}`);
    return { rules: last, log, objects };
  } finally {
    await ns.remove();
  }
}

/**
 * Rudder's ruleset for the same cluster, restored into an empty namespace and saved again
 * (with the jumps from the built-in chains and the nfacct counters its rules name, which
 * kube-proxy makes outside iptables-restore).
 */
export function restoredRules(text: string, restore: string, save: string, iptables: string): string {
  const ns = NetNs.create('rudder-rr');
  try {
    const made = new Set<string>();
    for (const step of ensureJumpSteps()) {
      if (!made.has(step.create.join(' '))) ns.run(iptables, step.create);
      made.add(step.create.join(' '));
      ns.run(iptables, step.insert);
    }
    for (const counter of new Set([...text.matchAll(/--nfacct-name (\S+)/g)].map((m) => m[1]!))) ns.run('nfacct', ['add', counter]);
    ns.run(restore, ['--noflush'], text);
    return savedRules(ns, save);
  } finally {
    void ns.remove();
  }
}
