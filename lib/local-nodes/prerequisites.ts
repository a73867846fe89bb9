// Whether this host can run real local nodes, and if not, why: root, the network and namespace
// tools, containerd with ctr, runc, iptables-restore for the nodes' proxies, the CNI plugins and
// busybox; and the kernel features they use (network namespaces, overlayfs, cgroups, bridge
// netfilter). Each missing piece is named with how to get it, as kubeadm's preflight checks do.
import { existsSync, readFileSync } from 'node:fs';
import { hostBusybox } from '../images/local-images.js';
import { commandInstalled } from '../process/installed.js';
import { CNI_BIN_DIR } from './containerd-config.js';

export interface MissingPrerequisite {
  /** A preflight check's name, as --ignore-preflight-errors takes it (kubeadm's style). */
  check: string;
  /** What is missing, as the end of "real nodes need ...". */
  what: string;
  /** How to get it, one imperative clause. */
  fix: string;
}

const TOOLS: readonly [command: string, flag: string, debianPackage: string][] = [
  ['ip', '-V', 'iproute2'],
  ['nsenter', '--version', 'util-linux'],
  ['containerd', '--version', 'containerd'],
  ['ctr', '--version', 'containerd'],
  ['runc', '--version', 'runc'],
  ['iptables-restore', '--version', 'iptables'],
];

const CNI_PLUGINS = ['bridge', 'host-local', 'loopback', 'portmap'];

/** The kernel features a node uses, each with a cheap look at whether this kernel has it. */
const KERNEL: readonly { check: string; what: string; fix: string; present: () => boolean }[] = [
  { check: 'Netns', what: 'network namespaces', fix: 'use a kernel built with CONFIG_NET_NS', present: () => existsSync('/proc/self/ns/net') },
  { check: 'Overlayfs', what: 'the overlay filesystem (containerd\'s snapshotter)', fix: 'load it with `modprobe overlay`', present: () => readFileOr('/proc/filesystems').includes('\toverlay\n') },
  { check: 'Cgroups', what: 'cgroups mounted at /sys/fs/cgroup', fix: 'mount them (Debian: apt-get install cgroupfs-mount)', present: () => existsSync('/sys/fs/cgroup/cgroup.controllers') || existsSync('/sys/fs/cgroup/memory') },
  { check: 'BridgeNetfilter', what: 'bridge netfilter (Services between pods of one node)', fix: 'load it with `modprobe br_netfilter`', present: () => existsSync('/proc/sys/net/bridge') },
];

function readFileOr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** Everything real nodes need that this host lacks (empty: they can run here). */
export function missingLocalNodePrerequisites(): MissingPrerequisite[] {
  if (process.platform !== 'linux') return [{ check: 'SystemVerification', what: 'Linux (network namespaces, cgroups, containerd)', fix: 'run on Linux, or use --sim-nodes N for simulated nodes' }];
  const missing: MissingPrerequisite[] = [];
  if (process.getuid?.() !== 0) missing.push({ check: 'IsPrivilegedUser', what: 'root (network namespaces, bridges and containerd)', fix: 'run as root (sudo), or use --sim-nodes N for simulated nodes' });
  for (const [command, flag, debianPackage] of TOOLS) {
    if (!commandInstalled(command, flag)) missing.push({ check: `FileExisting-${command}`, what: `${command} (${debianPackage}) on PATH`, fix: `install it: apt-get install ${debianPackage}` });
  }
  for (const plugin of CNI_PLUGINS) {
    if (!existsSync(`${CNI_BIN_DIR}/${plugin}`)) missing.push({ check: `FileExisting-cni-${plugin}`, what: `the CNI plugin ${CNI_BIN_DIR}/${plugin}`, fix: 'install it: apt-get install containernetworking-plugins' });
  }
  if (!hostBusybox()) missing.push({ check: 'FileExisting-busybox', what: 'busybox (for the local images)', fix: 'install it: apt-get install busybox-static' });
  for (const feature of KERNEL) if (!feature.present()) missing.push({ check: feature.check, what: feature.what, fix: feature.fix });
  return missing;
}

/** undefined when real nodes can run here, else the reason in one sentence. */
export function localNodesUnavailable(): string | undefined {
  const missing = missingLocalNodePrerequisites();
  if (missing.length === 0) return undefined;
  return `real nodes need ${missing.map((m) => m.what).join(', ')}, which this host lacks`;
}
