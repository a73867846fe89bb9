// The node's iptables (ip6tables for IPv6): which backend to use (kube-proxy's choice: the one
// already holding rules, else legacy where installed), iptables-restore --noflush --counters, the
// jumps from the built-in chains, the nat chains now present, and cleanup.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { commandInstalled } from '../../lib/process/installed.js';
import { ensureJumpSteps, JUMP_CHAINS, jumpRuleArgs } from '../../lib/proxy/jump-chains.js';

const run = promisify(execFile);

export type Backend = 'legacy' | 'nft';

export class IptablesError extends Error {}

async function exec(command: string, args: string[], input?: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(command, args, { maxBuffer: 1 << 30, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) reject(new IptablesError(`${command} ${args.slice(0, 4).join(' ')}: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}

/** Rules of a save: lines that append a rule. */
async function ruleCount(command: string): Promise<number> {
  try {
    const { stdout } = await run(command, [], { maxBuffer: 1 << 30 });
    return stdout.split('\n').filter((l) => l.startsWith('-A ')).length;
  } catch {
    return -1;
  }
}

export async function chooseBackend(requested: string): Promise<{ backend: Backend; reason: string }> {
  if (requested === 'legacy' || requested === 'nft') return { backend: requested, reason: 'requested' };
  const hasLegacy = commandInstalled('iptables-legacy', '--version');
  const hasNft = commandInstalled('iptables-nft', '--version');
  if (!hasLegacy && !hasNft) throw new IptablesError('neither iptables-legacy nor iptables-nft is installed (Debian package iptables)');
  const legacy = hasLegacy ? await ruleCount('iptables-legacy-save') : -1;
  const nft = hasNft ? await ruleCount('iptables-nft-save') : -1;
  if (nft > 0 && nft > legacy) return { backend: 'nft', reason: `iptables-nft holds ${nft} rules` };
  if (legacy > 0) return { backend: 'legacy', reason: `iptables-legacy holds ${legacy} rules` };
  return hasLegacy ? { backend: 'legacy', reason: 'no rules yet; legacy is installed' } : { backend: 'nft', reason: 'no rules yet; only nft is installed' };
}

export type IPFamily = 'IPv4' | 'IPv6';

/** Whether this host can hold `family`'s rules with `backend` (kube-proxy's check before it runs a proxier per family). */
export async function familySupported(backend: Backend, family: IPFamily): Promise<boolean> {
  const command = `${family === 'IPv6' ? 'ip6tables' : 'iptables'}-${backend}`;
  return exec(command, ['-w', '-t', 'nat', '-S', 'POSTROUTING']).then(
    () => true,
    () => false,
  );
}

/** The IP families a proxy serves with `backend`: IPv4, and IPv6 where ip6tables works (kube-proxy runs one proxier per family). */
export async function proxyFamilies(backend: Backend): Promise<IPFamily[]> {
  return (await familySupported(backend, 'IPv6')) ? ['IPv4', 'IPv6'] : ['IPv4'];
}

export class Iptables {
  constructor(
    readonly backend: Backend,
    readonly family: IPFamily = 'IPv4',
  ) {}

  private tool(suffix = ''): string {
    return `${this.family === 'IPv6' ? 'ip6tables' : 'iptables'}-${this.backend}${suffix}`;
  }

  /** Makes the proxy's top-level chains and prepends the jumps to them where missing. */
  async ensureJumps(): Promise<void> {
    const made = new Set<string>();
    // KUBE-FIREWALL (localhost NodePorts) exists for IPv4 only, as in kube-proxy's rules.
    for (const step of ensureJumpSteps().filter((s) => this.family === 'IPv4' || !s.create.includes('KUBE-FIREWALL'))) {
      const key = step.create.join(' ');
      if (!made.has(key)) {
        made.add(key);
        await exec(this.tool(), step.create).catch((error: Error) => {
          if (!/already exists/.test(error.message)) throw error;
        });
      }
      const present = await exec(this.tool(), step.check).then(
        () => true,
        () => false,
      );
      if (!present) await exec(this.tool(), step.insert);
    }
  }

  async restore(text: string | Buffer): Promise<void> {
    await exec(this.tool('-restore'), ['-w', '--noflush', '--counters'], text);
  }

  /** The chains of the nat table now. */
  async natChains(): Promise<string[]> {
    const saved = await exec(this.tool('-save'), ['-t', 'nat']);
    return saved.split('\n').filter((l) => l.startsWith(':')).map((l) => l.slice(1).split(' ')[0]!);
  }

  /** Removes the jumps and every KUBE-* chain the proxy writes (the kubelet's KUBE-FIREWALL stays). */
  async cleanup(): Promise<void> {
    for (const jump of JUMP_CHAINS.filter((j) => j.chain !== 'KUBE-FIREWALL')) {
      await exec(this.tool(), ['-w', '-t', jump.table, '-D', jump.from, ...jumpRuleArgs(jump)]).catch(() => undefined);
    }
    for (const table of ['filter', 'nat']) {
      const saved = await exec(this.tool('-save'), ['-t', table]).catch(() => '');
      const chains = saved
        .split('\n')
        .filter((l) => l.startsWith(':KUBE-') && !l.startsWith(':KUBE-FIREWALL '))
        .map((l) => l.slice(1).split(' ')[0]!);
      if (chains.length === 0) continue;
      const text = `*${table}\n${chains.map((c) => `:${c} - [0:0]`).join('\n')}\n${chains.map((c) => `-X ${c}`).join('\n')}\nCOMMIT\n`;
      await exec(this.tool('-restore'), ['-w', '--noflush'], text);
    }
  }
}
