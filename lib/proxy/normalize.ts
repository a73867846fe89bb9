// kube-proxy's test normalisation of iptables-restore input (sortIPTablesRules in
// pkg/proxy/iptables/proxier_test.go): tables by name; chains with KUBE-NODEPORTS first,
// KUBE-SERVICES next, then KUBE-* chains, then the rest, each group alphabetically; the rules
// of KUBE-NODEPORTS and KUBE-SERVICES stably by the service named in their comment, the
// nodeports rule of nat KUBE-SERVICES last. Where kube-proxy's key (the comment up to the first
// space or colon) ties, the comment's whole first word breaks the tie, so the ports of one
// service keep one order whatever order a map gave them. Also reads iptables-save output.

interface Chain {
  name: string;
  policy: string;
  counters: string;
  rules: string[];
  deleted: boolean;
}

interface Table {
  name: string;
  chains: Chain[];
}

export interface NormalizeOptions {
  /**
   * For tables read back from the kernel: keep only KUBE-* chains, and also sort the rules of
   * KUBE-EXTERNAL-SERVICES and KUBE-PROXY-FIREWALL by service (kube-proxy writes every chain
   * shared by services in the order of a map, and its tests compare only the two it sorts).
   */
  kubeChainsOnly?: boolean;
}

export function parseDump(text: string): Table[] {
  const tables: Table[] = [];
  let table: Table | undefined;
  const chainOf = (name: string): Chain => {
    if (!table) throw new Error(`rule outside a table: ${name}`);
    let chain = table.chains.find((c) => c.name === name);
    if (!chain) {
      chain = { name, policy: '-', counters: '[0:0]', rules: [], deleted: false };
      table.chains.push(chain);
    }
    return chain;
  };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('*')) {
      table = { name: line.slice(1), chains: [] };
      tables.push(table);
    } else if (line === 'COMMIT') {
      table = undefined;
    } else if (line.startsWith(':')) {
      const [name, policy, counters] = line.slice(1).split(' ');
      const chain = chainOf(name!);
      chain.policy = policy ?? '-';
      chain.counters = counters ?? '[0:0]';
    } else if (line.startsWith('-A ')) {
      chainOf(line.split(' ')[1]!).rules.push(line.replace(/^\[\d+:\d+\] /, ''));
    } else if (line.startsWith('-X ')) {
      chainOf(line.slice(3)).deleted = true;
    } else if (/^\[\d+:\d+\] -A /.test(line)) {
      const rule = line.replace(/^\[\d+:\d+\] /, '');
      chainOf(rule.split(' ')[1]!).rules.push(rule);
    } else {
      throw new Error(`cannot parse iptables data line ${JSON.stringify(line)}`);
    }
  }
  return tables;
}

/** The value of a rule's `--comment`, quoted or not. */
export function ruleComment(rule: string): string | undefined {
  const match = / --comment (?:"((?:[^"\\]|\\.)*)"|(\S+))/.exec(rule);
  return match ? (match[1] ?? match[2]) : undefined;
}

function serviceKey(rule: string): [string, string] | undefined {
  const comment = ruleComment(rule);
  if (comment === undefined) return undefined;
  const cut = comment.search(/[ :]/);
  const word = comment.search(/ /);
  return [cut < 0 ? comment : comment.slice(0, cut), word < 0 ? comment : comment.slice(0, word)];
}

function byServiceName(a: string, b: string): number {
  const ka = serviceKey(a);
  const kb = serviceKey(b);
  if (!ka || !kb) return 0;
  return ka[0] < kb[0] ? -1 : ka[0] > kb[0] ? 1 : ka[1] < kb[1] ? -1 : ka[1] > kb[1] ? 1 : 0;
}

function chainRank(name: string): number {
  if (name === 'KUBE-NODEPORTS') return 0;
  if (name === 'KUBE-SERVICES') return 1;
  return name.startsWith('KUBE-') ? 2 : 3;
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function normalizeRules(text: string, options: NormalizeOptions = {}): string {
  const tables = parseDump(text).sort((a, b) => byName(a.name, b.name));
  let out = '';
  for (const table of tables) {
    let chains = table.chains;
    if (options.kubeChainsOnly) chains = chains.filter((c) => c.name.startsWith('KUBE-'));
    chains.sort((a, b) => chainRank(a.name) - chainRank(b.name) || byName(a.name, b.name));
    for (const chain of chains) {
      if (chain.name === 'KUBE-NODEPORTS') chain.rules.sort(byServiceName);
      if (options.kubeChainsOnly && (chain.name === 'KUBE-EXTERNAL-SERVICES' || chain.name === 'KUBE-PROXY-FIREWALL')) chain.rules.sort(byServiceName);
      if (chain.name === 'KUBE-SERVICES') {
        const last = (rule: string) => (ruleComment(rule) ?? '').includes('must be the last rule');
        chain.rules.sort((a, b) => (last(a) ? 1 : 0) - (last(b) ? 1 : 0) || (last(a) || last(b) ? 0 : byServiceName(a, b)));
      }
    }
    out += `*${table.name}\n`;
    for (const chain of chains) out += `:${chain.name} ${options.kubeChainsOnly ? '-' : chain.policy} [0:0]\n`;
    for (const chain of chains) for (const rule of chain.rules) out += `${rule}\n`;
    for (const chain of chains) if (chain.deleted) out += `-X ${chain.name}\n`;
    out += 'COMMIT\n';
  }
  return out;
}
