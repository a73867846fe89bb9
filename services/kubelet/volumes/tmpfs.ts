// Memory-backed volume directories: a tmpfs mounted on the volume's directory (secrets,
// projected and downwardAPI volumes, emptyDir with medium Memory), once; a kubelet that restarts
// finds the mount in the mount table and keeps it.
import { mkdirSync } from 'node:fs';
import { mountTable } from '../../../lib/host/mounts.js';
import { runCommand } from '../../../lib/process/run.js';

export function isMountPoint(dir: string): boolean {
  return mountTable().some((entry) => entry.mountPoint === dir);
}

/** Mounts a tmpfs on `dir` unless one is there; `sizeBytes` caps it (emptyDir's sizeLimit). */
export async function ensureTmpfs(dir: string, sizeBytes?: number): Promise<void> {
  mkdirSync(dir, { recursive: true });
  if (isMountPoint(dir)) return;
  const options = ['mode=0755', ...(sizeBytes !== undefined ? [`size=${sizeBytes}`] : [])];
  await runCommand('mount', ['-t', 'tmpfs', '-o', options.join(','), 'tmpfs', dir]);
}
