// Whether this host can run real local nodes, and if not, why, in one sentence: root, the
// network and namespace tools, containerd with ctr, runc, the CNI plugins and busybox.
import { existsSync } from 'node:fs';
import { hostBusybox } from '../images/local-images.js';
import { commandInstalled } from '../process/installed.js';
import { CNI_BIN_DIR } from './containerd-config.js';

const TOOLS: readonly [command: string, flag: string, from: string][] = [
  ['ip', '-V', 'iproute2'],
  ['nsenter', '--version', 'util-linux'],
  ['containerd', '--version', 'containerd'],
  ['ctr', '--version', 'containerd'],
  ['runc', '--version', 'runc'],
];

/** undefined when real nodes can run here, else the reason. */
export function localNodesUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'real nodes need Linux (network namespaces, cgroups, containerd)';
  if (process.getuid?.() !== 0) return 'real nodes need root (network namespaces, bridges and containerd)';
  const missing = TOOLS.filter(([command, flag]) => !commandInstalled(command, flag)).map(([command, , from]) => `${command} (${from})`);
  for (const plugin of ['bridge', 'host-local', 'loopback', 'portmap']) if (!existsSync(`${CNI_BIN_DIR}/${plugin}`)) missing.push(`${CNI_BIN_DIR}/${plugin} (containernetworking-plugins)`);
  if (!hostBusybox()) missing.push('busybox (busybox-static)');
  if (missing.length > 0) return `real nodes need ${missing.join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not installed`;
  return undefined;
}
