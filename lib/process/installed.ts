// Whether a program the cluster may need (redis-server, containerd, iptables-restore) is on PATH.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export function commandInstalled(command: string, versionFlag = '--version'): boolean {
  return spawnSync(command, [versionFlag], { stdio: 'ignore' }).status === 0;
}

/** The program's path: the first directory of PATH (and the sbin directories) holding it as a file. */
export function commandPath(command: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'].filter(Boolean);
  return dirs.map((dir) => join(dir, command)).find((path) => existsSync(path) && statSync(path).isFile());
}
