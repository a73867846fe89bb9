// rudder proxy-rules --objects FILE: the iptables-restore input kube-proxy's iptables mode
// would write for the Services and EndpointSlices in FILE, every host feature from flags.
import { readFileSync } from 'node:fs';
import { nativeProxyRules } from '../../lib/native/proxy.js';
import { compileReference } from '../../lib/proxy/iptables.js';
import type { NodeSettings, ProxyRulesCompiler } from '../../lib/proxy/model.js';
import { normalizeRules } from '../../lib/proxy/normalize.js';
import { readProxyObjects } from '../../lib/proxy/objects.js';

export interface ProxyRulesOptions {
  objects: string;
  nodeName?: string;
  clusterCidr?: string;
  masqueradeBit: number;
  nodeIp: string[];
  ipFamily?: 'IPv4' | 'IPv6';
  localhostNodeports: boolean;
  nfacct: boolean;
  randomFully: boolean;
  /** Print in kube-proxy's test normalisation (sorted chains and rules). */
  normalized: boolean;
  /** Compile with the TypeScript reference instead of the native compiler. */
  reference: boolean;
}

export function proxyRulesSettings(o: Omit<ProxyRulesOptions, 'objects' | 'normalized' | 'reference'>): NodeSettings {
  const firstIP = o.nodeIp[0];
  return {
    nodeName: o.nodeName ?? '',
    ipFamily: o.ipFamily ?? (firstIP !== undefined && firstIP.includes(':') ? 'IPv6' : 'IPv4'),
    localDetect: o.clusterCidr ? { mode: 'ClusterCIDR', cidr: o.clusterCidr } : { mode: 'None' },
    masqueradeBit: o.masqueradeBit,
    nodeIPs: o.nodeIp,
    localhostNodePorts: o.localhostNodeports,
    nfacct: o.nfacct,
    randomFully: o.randomFully,
  };
}

/** The text the command prints for `objectsText`. */
export function proxyRulesText(objectsText: string, o: Omit<ProxyRulesOptions, 'objects'>, compile: ProxyRulesCompiler): string {
  const objects = readProxyObjects(objectsText);
  const ruleset = compile({ ...objects, settings: proxyRulesSettings(o) }, { full: true });
  return o.normalized ? normalizeRules(ruleset.text) : ruleset.text;
}

export function proxyRules(o: ProxyRulesOptions): number {
  let text: string;
  try {
    text = readFileSync(o.objects, 'utf8');
  } catch (error) {
    process.stderr.write(`rudder: cannot read ${o.objects}: ${(error as Error).message}\n`);
    return 1;
  }
  try {
    const compile = o.reference ? compileReference : nativeProxyRules().compile;
    process.stdout.write(proxyRulesText(text, o, compile));
    return 0;
  } catch (error) {
    process.stderr.write(`rudder: ${(error as Error).message}\n`);
    return 1;
  }
}
