// The record of what a local-node setup made on the host, one JSON line per thing, appended (and
// flushed) before the thing is made. A cleanup reads it back and undoes every line, newest
// first, so it works after a crash at any point, and does nothing twice across runs.
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';

export type Made =
  /** A bridge on the host, and the address the host has on it. */
  | { kind: 'bridge'; name: string }
  /** A host-side veth (its peer goes with it). */
  | { kind: 'veth'; name: string }
  /** A named network namespace (/var/run/netns/<name>). */
  | { kind: 'netns'; name: string }
  /** A directory; everything mounted under it is unmounted before it is removed. */
  | { kind: 'dir'; path: string }
  /** A cgroup in every hierarchy (v1) or the unified tree (v2); processes in it are killed. */
  | { kind: 'cgroup'; path: string }
  /**
   * A containerd: the process (pid and start time, so a reused pid is never signalled), its
   * socket (its shims name it on their command line), its root (the CRI plugin's sandboxes are
   * listed there), runc's root (each container's init process and cgroups) and the CNI network
   * its pods use.
   */
  | { kind: 'containerd'; pid: number; startTime: string; socket: string; root: string; runcRoot: string; cniNetwork: string };

export const RECORD_FILE = 'made.jsonl';

export function recordPath(dataDir: string): string {
  return join(dataDir, 'nodes', RECORD_FILE);
}

export class MadeRecord {
  constructor(readonly file: string) {}

  /** Notes `made` before it is made. */
  add(made: Made): void {
    mkdirSync(dirname(this.file), { recursive: true });
    appendFileSync(this.file, `${JSON.stringify(made)}\n`, { flush: true });
  }

  /** Everything recorded, oldest first (a line cut short by a crash is skipped). */
  read(): Made[] {
    if (!existsSync(this.file)) return [];
    const out: Made[] = [];
    for (const line of readFileSync(this.file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        out.push(JSON.parse(line) as Made);
      } catch {
        // the last line of a crashed write
      }
    }
    return out;
  }

  /** Forgets everything: called once a cleanup has undone it all. */
  clear(): void {
    rmSync(this.file, { force: true });
  }
}
