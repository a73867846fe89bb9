// The TypeScript reference of kube-proxy's iptables-mode ruleset, line for line what
// crates/netrules writes (property tests hold them equal): the oracle for the Rust compiler
// and the baseline of its benchmark.
import { cidrContains, formatCidr, formatIP, isLoopback, parseIP, type ParsedIP } from './addr.js';
import type { LocalDetect, NodeSettings, ProxyInput, Ruleset, SyncRequest } from './model.js';
import { endpointChain, isServiceChain, serviceChains } from './names.js';
import { probability } from './probability.js';
import { buildClusterView, externallyAccessible, usesClusterEndpoints, usesLocalEndpoints, type ServicePortView } from './view.js';

export const LARGE_CLUSTER_ENDPOINTS_THRESHOLD = 1000;
export const LOCALHOST_NODEPORT_ACCEPTED_COUNTER = 'localhost_nps_accepted_pkts';
export const CT_STATE_INVALID_DROPPED_COUNTER = 'ct_state_invalid_dropped_pkts';

class Lines {
  readonly lines: string[] = [];
  count = 0;
  constructor(private readonly discard = false) {}
  write(...parts: string[]): void {
    this.count++;
    if (!this.discard) this.lines.push(parts.join(' '));
  }
  chain(name: string): void {
    this.count++;
    if (!this.discard) this.lines.push(`:${name} - [0:0]`);
  }
}

function localDetectArgs(detect: LocalDetect | undefined, local: boolean): string[] {
  let args: string[];
  switch (detect?.mode ?? 'None') {
    case 'ClusterCIDR':
      args = ['-s', (detect as { cidr: string }).cidr];
      break;
    case 'BridgeInterface':
      args = ['-i', (detect as { interface: string }).interface];
      break;
    case 'InterfaceNamePrefix':
      args = ['-i', `${(detect as { prefix: string }).prefix}+`];
      break;
    default:
      return [];
  }
  return local ? args : ['!', ...args];
}

interface WriterState {
  settings: NodeSettings;
  ipv6: boolean;
  largeCluster: boolean;
  nodeIP: ParsedIP | undefined;
  ifLocal: string[];
  ifNotLocal: string[];
  filterRules: Lines;
  natRules: Lines;
  active: string[];
  noLocalInternal: number;
  noLocalExternal: number;
}

function commentArgs(state: WriterState, comment: string): string[] {
  return state.largeCluster ? [] : ['-m', 'comment', '--comment', comment];
}

function serviceToEndpoints(state: WriterState, rules: Lines, view: ServicePortView, chain: string, endpoints: number[], chains: string[]): void {
  const name = view.info.name;
  if (view.info.stickySeconds !== undefined) {
    const seconds = String(view.info.stickySeconds);
    for (const index of endpoints) {
      const comment = `"${name} -> ${view.endpoints[index]!.endpoint}"`;
      rules.write('-A', chain, ...commentArgs(state, comment), '-m', 'recent', '--name', chains[index]!, '--rcheck', '--seconds', seconds, '--reap', '-j', chains[index]!);
    }
  }
  endpoints.forEach((index, i) => {
    const comment = `"${name} -> ${view.endpoints[index]!.endpoint}"`;
    const statistic = i < endpoints.length - 1 ? ['-m', 'statistic', '--mode', 'random', '--probability', probability(endpoints.length - i)] : [];
    rules.write('-A', chain, ...commentArgs(state, comment), ...statistic, '-j', chains[index]!);
  });
}

function servicePort(state: WriterState, view: ServicePortView, natChains: Lines, natRules: Lines): void {
  const { info, categories: cats } = view;
  const { settings, filterRules } = state;
  const { protocol, name } = info;
  const chains = serviceChains(name, protocol);
  const port = String(info.port);
  const usesClusterChain = cats.cluster.length > 0 && usesClusterEndpoints(info);
  const usesLocalChain = cats.local.length > 0 && usesLocalEndpoints(info);
  const hasEndpoints = cats.hasAny;
  let internalChain = chains.cluster;
  let hasInternal = hasEndpoints;
  if (info.internalPolicyLocal) {
    internalChain = chains.local;
    hasInternal &&= cats.local.length > 0;
  }
  let externalPolicyChain = chains.cluster;
  let hasExternal = hasEndpoints;
  if (info.externalPolicyLocal) {
    externalPolicyChain = chains.local;
    hasExternal &&= cats.local.length > 0;
  }
  const externalChain = chains.external;
  const usesExternalChain = hasEndpoints && externallyAccessible(info);
  const usesFwChain = hasEndpoints && info.loadBalancerVIPs.length > 0 && info.loadBalancerSourceRanges.length > 0;
  const lbChain = usesFwChain ? chains.firewall : externalChain;
  const target = hasEndpoints ? 'DROP' : 'REJECT';
  const filterComment = hasEndpoints ? `"${name} has no local endpoints"` : `"${name} has no endpoints"`;
  if (hasEndpoints) {
    if (!hasInternal) state.noLocalInternal++;
    if (!hasExternal) state.noLocalExternal++;
  }
  const sharedRules = state.natRules;

  const clusterIPComment = `"${name} cluster IP"`;
  if (hasInternal) {
    sharedRules.write('-A', 'KUBE-SERVICES', '-m', 'comment', '--comment', clusterIPComment, '-m', protocol, '-p', protocol, '-d', info.clusterIP, '--dport', port, '-j', internalChain);
  } else {
    filterRules.write('-A', 'KUBE-SERVICES', '-m', 'comment', '--comment', filterComment, '-m', protocol, '-p', protocol, '-d', info.clusterIP, '--dport', port, '-j', target);
  }

  for (const ip of info.externalIPs) {
    if (hasEndpoints) {
      sharedRules.write('-A', 'KUBE-SERVICES', '-m', 'comment', '--comment', `"${name} external IP"`, '-m', protocol, '-p', protocol, '-d', ip, '--dport', port, '-j', externalChain);
    }
    if (!hasExternal) {
      filterRules.write('-A', 'KUBE-EXTERNAL-SERVICES', '-m', 'comment', '--comment', filterComment, '-m', protocol, '-p', protocol, '-d', ip, '--dport', port, '-j', target);
    }
  }

  const lbComment = `"${name} loadbalancer IP"`;
  for (const ip of info.loadBalancerVIPs) {
    if (hasEndpoints) {
      sharedRules.write('-A', 'KUBE-SERVICES', '-m', 'comment', '--comment', lbComment, '-m', protocol, '-p', protocol, '-d', ip, '--dport', port, '-j', lbChain);
    }
    if (usesFwChain) {
      filterRules.write('-A', 'KUBE-PROXY-FIREWALL', '-m', 'comment', '--comment', `"${name} traffic not accepted by ${chains.firewall}"`, '-m', protocol, '-p', protocol, '-d', ip, '--dport', port, '-j', 'DROP');
    }
  }
  if (!hasExternal) {
    for (const ip of info.loadBalancerVIPs) {
      filterRules.write('-A', 'KUBE-EXTERNAL-SERVICES', '-m', 'comment', '--comment', filterComment, '-m', protocol, '-p', protocol, '-d', ip, '--dport', port, '-j', target);
    }
  }

  if (info.nodePort !== 0) {
    const nodePort = String(info.nodePort);
    if (hasEndpoints) {
      if ((settings.localhostNodePorts ?? true) && !state.ipv6 && settings.nfacct) {
        sharedRules.write('-A', 'KUBE-NODEPORTS', '-m', 'comment', '--comment', name, '-m', protocol, '-p', protocol, '-d', '127.0.0.0/8', '--dport', nodePort, '-m', 'nfacct', '--nfacct-name', LOCALHOST_NODEPORT_ACCEPTED_COUNTER, '-j', externalChain);
      }
      sharedRules.write('-A', 'KUBE-NODEPORTS', '-m', 'comment', '--comment', name, '-m', protocol, '-p', protocol, '--dport', nodePort, '-j', externalChain);
    }
    if (!hasExternal) {
      filterRules.write('-A', 'KUBE-EXTERNAL-SERVICES', '-m', 'comment', '--comment', filterComment, '-m', 'addrtype', '--dst-type', 'LOCAL', '-m', protocol, '-p', protocol, '--dport', nodePort, '-j', target);
    }
  }

  if (info.healthCheckNodePort !== 0) {
    filterRules.write('-A', 'KUBE-NODEPORTS', '-m', 'comment', '--comment', `"${name} health check node port"`, '-m', 'tcp', '-p', 'tcp', '--dport', String(info.healthCheckNodePort), '-j', 'ACCEPT');
  }

  if (hasInternal) {
    const args = ['-A', internalChain, '-m', 'comment', '--comment', clusterIPComment, '-m', protocol, '-p', protocol, '-d', info.clusterIP, '--dport', port];
    if (settings.masqueradeAll) natRules.write(...args, '-j', 'KUBE-MARK-MASQ');
    else if (state.ifNotLocal.length > 0) natRules.write(...args, ...state.ifNotLocal, '-j', 'KUBE-MARK-MASQ');
  }

  if (usesExternalChain) {
    natChains.chain(externalChain);
    state.active.push(externalChain);
    if (!info.externalPolicyLocal) {
      natRules.write('-A', externalChain, '-m', 'comment', '--comment', `"masquerade traffic for ${name} external destinations"`, '-j', 'KUBE-MARK-MASQ');
    } else {
      if (state.ifLocal.length > 0) {
        natRules.write('-A', externalChain, '-m', 'comment', '--comment', `"pod traffic for ${name} external destinations"`, ...state.ifLocal, '-j', chains.cluster);
      }
      natRules.write('-A', externalChain, '-m', 'comment', '--comment', `"masquerade LOCAL traffic for ${name} external destinations"`, '-m', 'addrtype', '--src-type', 'LOCAL', '-j', 'KUBE-MARK-MASQ');
      natRules.write('-A', externalChain, '-m', 'comment', '--comment', `"route LOCAL traffic for ${name} external destinations"`, '-m', 'addrtype', '--src-type', 'LOCAL', '-j', chains.cluster);
    }
    if (hasExternal) natRules.write('-A', externalChain, '-j', externalPolicyChain);
  }

  if (usesFwChain) {
    natChains.chain(chains.firewall);
    state.active.push(chains.firewall);
    let allowFromNode = false;
    for (const cidr of info.loadBalancerSourceRanges) {
      const network = formatCidr(cidr);
      natRules.write('-A', chains.firewall, '-m', 'comment', '--comment', lbComment, '-s', network, '-j', externalChain);
      if (state.nodeIP && cidrContains(cidr, state.nodeIP)) allowFromNode = true;
    }
    if (allowFromNode) {
      for (const ip of info.loadBalancerVIPs) natRules.write('-A', chains.firewall, '-m', 'comment', '--comment', lbComment, '-s', ip, '-j', externalChain);
    }
    natRules.write('-A', chains.firewall, '-m', 'comment', '--comment', `"other traffic to ${name} will be dropped by KUBE-PROXY-FIREWALL"`);
  }

  const endpointChains = view.endpoints.map((ep) => endpointChain(name, protocol, ep.endpoint));
  if (usesClusterChain) {
    natChains.chain(chains.cluster);
    state.active.push(chains.cluster);
    serviceToEndpoints(state, natRules, view, chains.cluster, cats.cluster, endpointChains);
  }
  if (usesLocalChain) {
    natChains.chain(chains.local);
    state.active.push(chains.local);
    serviceToEndpoints(state, natRules, view, chains.local, cats.local, endpointChains);
  }
  for (const index of cats.allReachable) {
    const ep = view.endpoints[index]!;
    const chain = endpointChains[index]!;
    natChains.chain(chain);
    state.active.push(chain);
    const args = ['-A', chain, ...commentArgs(state, name)];
    natRules.write(...args, '-s', ep.ip, '-j', 'KUBE-MARK-MASQ');
    const affinity = info.stickySeconds !== undefined ? ['-m', 'recent', '--name', chain, '--set'] : [];
    natRules.write(...args, ...affinity, '-m', protocol, '-p', protocol, '-j', 'DNAT', '--to-destination', ep.endpoint);
  }
}

/** Compiles `input` as kube-proxy's iptables mode would write it (the reference compiler). */
export function compileReference(input: ProxyInput, request: SyncRequest): Ruleset {
  const settings = input.settings;
  const bit = settings.masqueradeBit ?? 14;
  if (!Number.isInteger(bit) || bit < 0 || bit > 31) throw new Error(`invalid settings: masqueradeBit must be within 0..31, not ${bit}`);
  const view = buildClusterView(input);
  const ipv6 = view.family === 6;
  const localhostNodePorts = settings.localhostNodePorts ?? true;
  const mark = `0x${(2 ** bit).toString(16).padStart(8, '0')}`;
  const markMatch = `${mark}/${mark}`;
  const nodeIP = (settings.nodeIPs ?? []).map(parseIP).find((ip) => ip !== undefined && ip.family === view.family);
  const filterChains = new Lines();
  const natChains = new Lines();
  const state: WriterState = {
    settings,
    ipv6,
    largeCluster: view.totalEndpoints > LARGE_CLUSTER_ENDPOINTS_THRESHOLD,
    nodeIP,
    ifLocal: localDetectArgs(settings.localDetect, true),
    ifNotLocal: localDetectArgs(settings.localDetect, false),
    filterRules: new Lines(),
    natRules: new Lines(),
    active: [],
    noLocalInternal: 0,
    noLocalExternal: 0,
  };
  const { filterRules, natRules } = state;

  for (const chain of ['KUBE-SERVICES', 'KUBE-EXTERNAL-SERVICES', 'KUBE-FORWARD', 'KUBE-NODEPORTS', 'KUBE-PROXY-FIREWALL']) filterChains.chain(chain);
  for (const chain of ['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-MARK-MASQ']) natChains.chain(chain);
  natRules.write('-A', 'KUBE-POSTROUTING', '-m', 'mark', '!', '--mark', markMatch, '-j', 'RETURN');
  natRules.write('-A', 'KUBE-POSTROUTING', '-j', 'MARK', '--xor-mark', mark);
  natRules.write('-A', 'KUBE-POSTROUTING', '-m', 'comment', '--comment', '"kubernetes service traffic requiring SNAT"', '-j', 'MASQUERADE', ...(settings.randomFully ? ['--random-fully'] : []));
  natRules.write('-A', 'KUBE-MARK-MASQ', '-j', 'MARK', '--or-mark', mark);
  if (!ipv6 && localhostNodePorts) {
    filterChains.chain('KUBE-FIREWALL');
    filterRules.write('-A', 'KUBE-FIREWALL', '-m', 'comment', '--comment', '"block incoming localnet connections"', '-d', '127.0.0.0/8', '!', '-s', '127.0.0.0/8', '-m', 'conntrack', '!', '--ctstate', 'RELATED,ESTABLISHED,DNAT', '-j', 'DROP');
  }

  const changed = new Set(request.changedServices ?? []);
  const skippedChains = new Lines(true);
  const skippedRules = new Lines(true);
  for (const port of view.ports) {
    const write = request.full || changed.has(port.info.service);
    servicePort(state, port, write ? natChains : skippedChains, write ? natRules : skippedRules);
  }

  let deleted = 0;
  if (request.existingNatChains) {
    const active = new Set(state.active);
    const stale = [...new Set(request.existingNatChains.filter((chain) => isServiceChain(chain) && !active.has(chain)))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const chain of stale) {
      natChains.chain(chain);
      natRules.write('-X', chain);
      deleted++;
    }
  }

  const nodePortsComment = '"kubernetes service nodeports; NOTE: this must be the last rule in this chain"';
  if (settings.nodePortIPs === undefined) {
    const exclude = ipv6 ? ['!', '-d', '::1/128'] : !localhostNodePorts ? ['!', '-d', '127.0.0.0/8'] : [];
    natRules.write('-A', 'KUBE-SERVICES', '-m', 'comment', '--comment', nodePortsComment, '-m', 'addrtype', '--dst-type', 'LOCAL', ...exclude, '-j', 'KUBE-NODEPORTS');
  } else {
    for (const text of settings.nodePortIPs) {
      const ip = parseIP(text);
      if (!ip || ip.family !== view.family) continue;
      if (isLoopback(ip) && (ipv6 || !localhostNodePorts)) continue;
      natRules.write('-A', 'KUBE-SERVICES', '-m', 'comment', '--comment', nodePortsComment, '-d', formatIP(ip), '-j', 'KUBE-NODEPORTS');
    }
  }

  if (!settings.conntrackTCPLiberal) {
    filterRules.write('-A', 'KUBE-FORWARD', '-m', 'conntrack', '--ctstate', 'INVALID', ...(settings.nfacct ? ['-m', 'nfacct', '--nfacct-name', CT_STATE_INVALID_DROPPED_COUNTER] : []), '-j', 'DROP');
  }
  filterRules.write('-A', 'KUBE-FORWARD', '-m', 'comment', '--comment', '"kubernetes forwarding rules"', '-m', 'mark', '--mark', markMatch, '-j', 'ACCEPT');
  filterRules.write('-A', 'KUBE-FORWARD', '-m', 'comment', '--comment', '"kubernetes forwarding conntrack rule"', '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT');

  const block = (lines: Lines) => (lines.lines.length > 0 ? lines.lines.join('\n') + '\n' : '');
  const text = `*filter\n${block(filterChains)}${block(filterRules)}COMMIT\n*nat\n${block(natChains)}${block(natRules)}COMMIT\n`;
  return {
    text,
    filterChains: filterChains.count,
    filterRules: filterRules.count,
    natChains: natChains.count,
    natRules: natRules.count - deleted,
    natRulesTotal: natRules.count + skippedRules.count - deleted,
    deletedChains: deleted,
    activeNatChains: state.active.join('\n'),
    largeCluster: state.largeCluster,
    noLocalEndpointsInternal: state.noLocalInternal,
    noLocalEndpointsExternal: state.noLocalExternal,
  };
}
