// A node container that is not privileged (where the engine cannot grant every capability, as
// here without CAP_SYS_RESOURCE) gets /sys, /proc/sys and its cgroup hierarchies read-only; its containerd and
// runc must make cgroups for the pods, and its CNI plugins and proxy set kernel settings. With
// CAP_SYS_ADMIN the node remounts them writable, in its own mount namespace only.
import { mountTable } from '../../lib/host/mounts.js';
import { runCommand } from '../../lib/process/run.js';

/** Remounts /sys, /proc/sys and every cgroup hierarchy read-write where read-only; returns what it remounted. */
export async function makeSysWritable(): Promise<string[]> {
  const remounted: string[] = [];
  for (const mount of mountTable()) {
    const wanted = mount.mountPoint === '/sys' || mount.mountPoint === '/proc/sys' || (mount.mountPoint.startsWith('/sys/fs/cgroup') && (mount.fsType === 'cgroup' || mount.fsType === 'cgroup2' || mount.fsType === 'tmpfs'));
    if (!wanted || !mount.readOnly) continue;
    await runCommand('mount', ['-o', 'remount,bind,rw', mount.mountPoint]);
    remounted.push(mount.mountPoint);
  }
  return remounted;
}
