// A cgroup path in every mounted hierarchy: cgroups v1 has one per controller (cpu, memory,
// pids, ..., name=systemd), v2 one unified tree. runc makes a container's cgroup in each (and
// the pod's above it); the kubelet removes a pod's once it is gone, and a node cleanup kills
// what is left in them and removes them, deepest first.
import { existsSync, readdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { mountTable } from './mounts.js';

export function cgroupHierarchies(): string[] {
  return mountTable()
    .filter((m) => m.fsType === 'cgroup' || m.fsType === 'cgroup2')
    .map((m) => m.mountPoint);
}

/** The cgroup directories `tops` and everything below them, deepest first. */
function subtrees(tops: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    try {
      for (const entry of readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) walk(join(dir, entry.name));
    } catch {
      return;
    }
    out.push(dir);
  };
  for (const top of tops) if (existsSync(top)) walk(top);
  return out.sort((a, b) => b.length - a.length);
}

/** The directories of `path` (e.g. /rudder-abc/node-a) and everything below it, in every hierarchy, deepest first. */
export function cgroupDirs(path: string): string[] {
  return subtrees(cgroupHierarchies().map((hierarchy) => join(hierarchy, path)));
}

/** Every pid in the cgroup `path` or below it, in any hierarchy. */
export function cgroupPids(path: string): number[] {
  return pidsInCgroupDirs(cgroupHierarchies().map((hierarchy) => join(hierarchy, path)));
}

/** Every pid in the cgroup directories `dirs` (absolute) or below them. */
export function pidsInCgroupDirs(dirs: readonly string[]): number[] {
  const pids = new Set<number>();
  for (const dir of subtrees(dirs)) {
    try {
      for (const line of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n')) if (line) pids.add(Number(line));
    } catch {
      // removed meanwhile
    }
  }
  return [...pids];
}

/** Removes the cgroup and what is below it (they must be empty of processes). */
export function removeCgroup(path: string): void {
  for (const dir of cgroupDirs(path)) rmdirSync(dir);
}
