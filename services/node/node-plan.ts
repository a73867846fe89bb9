// This container as a local node (lib/local-nodes' LocalNodePlan): no network namespace of its own
// to enter (the container's is the node's), its directories from the options, and its pods'
// cgroups below the container's own cgroup, so they go with the container.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalNodePlan } from '../../lib/local-nodes/plan.js';

/** The container's cgroup path (cgroup v2's, else the memory controller's on v1). */
export function ownCgroup(procSelfCgroup = readFileSync('/proc/self/cgroup', 'utf8')): string {
  const lines = procSelfCgroup.split('\n').filter(Boolean).map((line) => line.split(':'));
  const unified = lines.find(([id]) => id === '0');
  const memory = lines.find(([, controllers]) => controllers?.split(',').includes('memory'));
  const path = (unified ?? memory ?? lines[0])?.[2] ?? '/';
  return path === '/' ? '' : path;
}

export function containerNodePlan(options: { name: string; address: string; rootDir: string; runDir: string; cgroup: string }): LocalNodePlan {
  return {
    name: options.name,
    netns: '',
    hostVeth: '',
    address: options.address,
    podCIDR: '',
    dir: options.rootDir,
    stateDir: options.runDir,
    containerdSocket: join(options.runDir, 'containerd.sock'),
    cgroupParent: `${options.cgroup}/rudder-pods`,
    cniNetwork: 'rudder',
    podLogDir: join(options.rootDir, 'pods'),
  };
}
