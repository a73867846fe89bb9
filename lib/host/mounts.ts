// The host's mount table, for finding what a node left mounted under its directories (container
// root filesystems, pod network namespaces) and unmounting it.
import { readFileSync } from 'node:fs';
import { runCommand } from '../process/run.js';

interface MountEntry {
  mountPoint: string;
  fsType: string;
  /** Mounted read-only (its per-mount options). */
  readOnly: boolean;
}

/** mountinfo escapes space, tab, newline and backslash as octal. */
function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

export function mountTable(): MountEntry[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const fields = line.split(' ');
      const separator = fields.indexOf('-');
      return { mountPoint: unescape(fields[4]!), fsType: fields[separator + 1] ?? '', readOnly: (fields[5] ?? '').split(',').includes('ro') };
    });
}

/** Mount points at or under `dir`, deepest first. */
export function mountsUnder(dir: string): string[] {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  return mountTable()
    .map((m) => m.mountPoint)
    .filter((point) => point === dir || point.startsWith(prefix))
    .sort((a, b) => b.length - a.length);
}

/** Detaches every mount at or under `dir` (lazily: a busy one goes once its last user does). */
export async function unmountUnder(dir: string): Promise<void> {
  for (let round = 0; round < 5; round++) {
    const points = mountsUnder(dir);
    if (points.length === 0) return;
    for (const point of points) await runCommand('umount', ['-l', point]).catch(() => undefined);
  }
  const left = mountsUnder(dir);
  if (left.length > 0) throw new Error(`could not unmount ${left.join(', ')}`);
}
