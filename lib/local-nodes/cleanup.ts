// Undoes everything a creation record lists, also after a crash: ends each containerd, kills
// what is left in the nodes' cgroups and the shims that name a node's socket, unmounts and
// removes the nodes' directories, removes the cgroups, the CNI cache entries of the nodes'
// networks, the namespaces, veths and the bridge. Every step runs even when an earlier one
// failed; the record is forgotten only when all succeeded, so a second run can finish the work.
import { existsSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runCommand } from '../process/run.js';
import { STATE_PARENT } from './plan.js';
import { cgroupPids, pidsInCgroupDirs, removeCgroup } from '../host/cgroups.js';
import { unmountUnder } from '../host/mounts.js';
import { endProcess, killAll, processesWithArgument, processStartTime, signalIfSame } from './processes.js';
import { runcContainers } from './runc-state.js';
import { MadeRecord, type Made } from './record.js';

/** Where libcni caches each attachment's result (containerd 1.6 keeps the default). */
export const CNI_CACHE = '/var/lib/cni/results';

function linkExists(name: string): boolean {
  return existsSync(`/sys/class/net/${name}`);
}

export async function cleanupRecorded(record: MadeRecord): Promise<void> {
  const made = record.read().reverse();
  const of = <K extends Made['kind']>(kind: K): Extract<Made, { kind: K }>[] => made.filter((m): m is Extract<Made, { kind: K }> => m.kind === kind);
  const errors: string[] = [];
  const attempt = async (what: string, step: () => Promise<void> | void): Promise<void> => {
    try {
      await step();
    } catch (error) {
      errors.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  const containerds = of('containerd');
  // Read before the directories go: the sandboxes name the CNI cache entries to remove.
  const sandboxes = containerds.flatMap((c) => sandboxIds(c.root));
  await Promise.all(containerds.map((c) => attempt(`stopping containerd ${c.pid || c.socket}`, () => stopContainerd(c))));
  for (const c of containerds) {
    await attempt(`killing the containers under ${c.runcRoot}`, async () => {
      const containers = runcContainers(c.runcRoot);
      for (const container of containers) signalIfSame(container.initPid, container.initStart, 'SIGKILL');
      await killAll(() => pidsInCgroupDirs(containers.flatMap((container) => container.cgroupDirs)));
    });
  }
  for (const cgroup of of('cgroup')) await attempt(`killing the processes of cgroup ${cgroup.path}`, () => killAll(() => cgroupPids(cgroup.path)));
  for (const c of containerds) await attempt(`killing the shims of ${c.socket}`, () => killAll(() => processesWithArgument(c.socket)));
  for (const dir of of('dir')) {
    await attempt(`removing ${dir.path}`, async () => {
      await unmountUnder(dir.path);
      rmSync(dir.path, { recursive: true, force: true });
    });
  }
  for (const cgroup of of('cgroup')) await attempt(`removing cgroup ${cgroup.path}`, () => removeCgroup(cgroup.path));
  await attempt('removing the CNI cache entries of the nodes\' pods', () => {
    if (!existsSync(CNI_CACHE)) return;
    const networks = containerds.map((c) => `${c.cniNetwork}-`);
    for (const file of readdirSync(CNI_CACHE)) {
      // <network>-<sandbox id>-<interface>: the nodes' own network, and the loopback the CRI plugin adds
      if (networks.some((prefix) => file.startsWith(prefix)) || sandboxes.some((id) => file.includes(`-${id}-`))) rmSync(join(CNI_CACHE, file), { force: true });
    }
  });
  for (const netns of of('netns')) {
    await attempt(`deleting network namespace ${netns.name}`, async () => {
      if (existsSync(`/var/run/netns/${netns.name}`)) await runCommand('ip', ['netns', 'delete', netns.name]);
    });
  }
  for (const link of [...of('veth'), ...of('bridge')]) {
    await attempt(`deleting link ${link.name}`, async () => {
      // a veth goes by itself once the namespace of its peer is gone, maybe while we look
      if (linkExists(link.name)) await runCommand('ip', ['link', 'delete', link.name]).catch((error: unknown) => {
        if (linkExists(link.name)) throw error;
      });
    });
  }

  if (errors.length > 0) throw new Error(`cleanup of local nodes left work undone (run it again):\n${errors.join('\n')}`);
  record.clear();
  for (const dir of [dirname(record.file), STATE_PARENT]) {
    try {
      rmdirSync(dir);
    } catch {
      // not empty: another set of nodes uses it
    }
  }
}

/** Ends a containerd: by pid when this module started it, else (a supervisor started it) by the socket on its command line. */
async function stopContainerd(c: Extract<Made, { kind: 'containerd' }>): Promise<void> {
  if (c.pid > 0) return endProcess(c.pid, c.startTime, 3000);
  await Promise.all(processesWithArgument(c.socket).map((pid) => endProcess(pid, processStartTime(pid) ?? '', 3000)));
}

/** The pod sandboxes containerd's CRI plugin keeps under its root. */
function sandboxIds(containerdRoot: string): string[] {
  try {
    return readdirSync(join(containerdRoot, 'io.containerd.grpc.v1.cri', 'sandboxes'));
  } catch {
    return [];
  }
}
