// What a node container runs besides Node.js, staged from this host's files (Debian's containerd,
// runc, containernetworking-plugins and iptables packages): containerd with its runc shim and ctr,
// runc, the CNI plugins the node's network uses, iptables (legacy) with its extension modules and
// conntrack, each with the shared libraries ldd lists. Nothing is downloaded.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { commandPath } from '../process/installed.js';
import { Rootfs } from './rootfs.js';

/** Programs a node container needs on its PATH, by the Debian package that has them. */
export const NODE_TOOLS: Record<string, string> = {
  containerd: 'containerd',
  'containerd-shim-runc-v2': 'containerd',
  ctr: 'containerd',
  runc: 'runc',
  'xtables-legacy-multi': 'iptables',
  conntrack: 'conntrack',
};

/** The iptables programs, all the one multi-call binary. */
const IPTABLES_LINKS = ['iptables-legacy', 'iptables-legacy-save', 'iptables-legacy-restore', 'ip6tables-legacy', 'ip6tables-legacy-save', 'ip6tables-legacy-restore'];

export const NODE_CNI_PLUGINS = ['bridge', 'host-local', 'loopback', 'portmap'];
const CNI_DIR = '/usr/lib/cni';
const XTABLES_DIRS = ['/usr/lib/x86_64-linux-gnu/xtables', '/usr/lib/aarch64-linux-gnu/xtables', '/usr/lib/xtables'];

/** Copies the node tools into `rootfs` at the paths they have here; throws naming a missing one and its package. */
export function stageNodeTools(rootfs: Rootfs): void {
  for (const [program, pkg] of Object.entries(NODE_TOOLS)) {
    const path = commandPath(program);
    if (!path) throw new Error(`${program} is not installed (Debian: apt-get install ${pkg})`);
    rootfs.dynamicProgram(path, `/usr/sbin/${program}`);
  }
  for (const link of IPTABLES_LINKS) rootfs.link(`/usr/sbin/${link}`, '/usr/sbin/xtables-legacy-multi');
  for (const plugin of NODE_CNI_PLUGINS) {
    const path = join(CNI_DIR, plugin);
    if (!existsSync(path)) throw new Error(`the CNI plugin ${plugin} is not in ${CNI_DIR} (Debian: apt-get install containernetworking-plugins)`);
    rootfs.dynamicProgram(path, path);
  }
  const xtables = XTABLES_DIRS.find((dir) => existsSync(dir));
  if (!xtables) throw new Error(`iptables' extensions are not in ${XTABLES_DIRS.join(' or ')} (Debian: apt-get install iptables)`);
  for (const module of readdirSync(xtables).filter((name) => name.endsWith('.so'))) rootfs.dynamicProgram(join(xtables, module), join(xtables, module));
}
