// The jumps from the built-in chains into kube-proxy's chains, ensured (chain created, rule
// prepended when missing) at every full sync, outside iptables-restore so the rest of the
// built-in chains is left alone; and the chains a cleanup removes.

export interface JumpChain {
  table: 'filter' | 'nat';
  /** kube-proxy's chain. */
  chain: string;
  /** The built-in chain jumping to it. */
  from: string;
  comment?: string;
  extraArgs: string[];
}

const NEW = ['-m', 'conntrack', '--ctstate', 'NEW'];

export const JUMP_CHAINS: readonly JumpChain[] = [
  { table: 'filter', chain: 'KUBE-EXTERNAL-SERVICES', from: 'INPUT', comment: 'kubernetes externally-visible service portals', extraArgs: NEW },
  { table: 'filter', chain: 'KUBE-EXTERNAL-SERVICES', from: 'FORWARD', comment: 'kubernetes externally-visible service portals', extraArgs: NEW },
  { table: 'filter', chain: 'KUBE-NODEPORTS', from: 'INPUT', comment: 'kubernetes health check service ports', extraArgs: [] },
  { table: 'filter', chain: 'KUBE-SERVICES', from: 'FORWARD', comment: 'kubernetes service portals', extraArgs: NEW },
  { table: 'filter', chain: 'KUBE-SERVICES', from: 'OUTPUT', comment: 'kubernetes service portals', extraArgs: NEW },
  { table: 'filter', chain: 'KUBE-FORWARD', from: 'FORWARD', comment: 'kubernetes forwarding rules', extraArgs: [] },
  { table: 'filter', chain: 'KUBE-PROXY-FIREWALL', from: 'INPUT', comment: 'kubernetes load balancer firewall', extraArgs: NEW },
  { table: 'filter', chain: 'KUBE-PROXY-FIREWALL', from: 'OUTPUT', comment: 'kubernetes load balancer firewall', extraArgs: NEW },
  { table: 'filter', chain: 'KUBE-PROXY-FIREWALL', from: 'FORWARD', comment: 'kubernetes load balancer firewall', extraArgs: NEW },
  { table: 'nat', chain: 'KUBE-SERVICES', from: 'OUTPUT', comment: 'kubernetes service portals', extraArgs: [] },
  { table: 'nat', chain: 'KUBE-SERVICES', from: 'PREROUTING', comment: 'kubernetes service portals', extraArgs: [] },
  { table: 'nat', chain: 'KUBE-POSTROUTING', from: 'POSTROUTING', comment: 'kubernetes postrouting rules', extraArgs: [] },
  // The kubelet's firewall chain, which kube-proxy also makes (and leaves at cleanup).
  { table: 'filter', chain: 'KUBE-FIREWALL', from: 'INPUT', extraArgs: [] },
  { table: 'filter', chain: 'KUBE-FIREWALL', from: 'OUTPUT', extraArgs: [] },
];

/** The rule's arguments after `-A|-C|-I|-D <from>`. */
export function jumpRuleArgs(jump: JumpChain): string[] {
  return [...jump.extraArgs, ...(jump.comment ? ['-m', 'comment', '--comment', jump.comment] : []), '-j', jump.chain];
}

/** iptables argument lists that ensure every jump: create the chain, check the rule, else insert it. */
export interface EnsureStep {
  create: string[];
  check: string[];
  insert: string[];
}

export function ensureJumpSteps(): EnsureStep[] {
  return JUMP_CHAINS.map((jump) => ({
    create: ['-w', '-t', jump.table, '-N', jump.chain],
    check: ['-w', '-t', jump.table, '-C', jump.from, ...jumpRuleArgs(jump)],
    insert: ['-w', '-t', jump.table, '-I', jump.from, ...jumpRuleArgs(jump)],
  }));
}
