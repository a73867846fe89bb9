// What runc knows of the containers under its root: each container's init process (pid and start
// time) and cgroup directories, from the state.json runc keeps per container. A cleanup ends
// them even when no containerd or shim is left to ask.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RuncContainer {
  id: string;
  initPid: number;
  /** Start time of the init process in clock ticks since boot, as /proc/<pid>/stat has it. */
  initStart: string;
  cgroupDirs: string[];
}

interface StateFile {
  id?: string;
  init_process_pid?: number;
  init_process_start?: number | string;
  cgroup_paths?: Record<string, string>;
}

/** The containers of every containerd namespace under `runcRoot` (<root>/<namespace>/<id>/state.json). */
export function runcContainers(runcRoot: string): RuncContainer[] {
  if (!existsSync(runcRoot)) return [];
  const out: RuncContainer[] = [];
  for (const namespace of readdirSync(runcRoot)) {
    const dir = join(runcRoot, namespace);
    let ids: string[];
    try {
      ids = readdirSync(dir);
    } catch {
      continue;
    }
    for (const id of ids) {
      try {
        const state = JSON.parse(readFileSync(join(dir, id, 'state.json'), 'utf8')) as StateFile;
        out.push({ id, initPid: state.init_process_pid ?? 0, initStart: String(state.init_process_start ?? ''), cgroupDirs: Object.values(state.cgroup_paths ?? {}) });
      } catch {
        // not a container, or one half made
      }
    }
  }
  return out;
}
