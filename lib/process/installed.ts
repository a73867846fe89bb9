// Whether a program the cluster may need (redis-server, containerd, iptables-restore) is on PATH.
import { spawnSync } from 'node:child_process';

export function commandInstalled(command: string, versionFlag = '--version'): boolean {
  return spawnSync(command, [versionFlag], { stdio: 'ignore' }).status === 0;
}
