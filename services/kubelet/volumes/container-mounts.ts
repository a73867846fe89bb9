// A container's volumeMounts as CRI mounts: the volume's directory (or the subPath / expanded
// subPathExpr inside it, made when missing) at mountPath, read-only when the mount or the volume
// says so. A mount of a volume the pod lacks, or a subPath leaving its volume, is the container's
// CreateContainerConfigError.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Container } from 'kubernetes-types/core/v1.js';
import type { Mount } from '../../../lib/cri/types.js';
import { ContainerConfigError } from '../runtime/cri/container-config.js';
import { expand } from '../runtime/cri/env-expansion.js';
import type { MountedVolume } from './volume-manager.js';

function checkedSubPath(container: string, subPath: string): string {
  if (subPath.startsWith('/') || subPath.split('/').includes('..')) throw new ContainerConfigError(`container ${container}: subPath ${JSON.stringify(subPath)} must be a relative path without '..'`);
  return subPath;
}

export function containerMounts(container: Container, volumes: ReadonlyMap<string, MountedVolume>, env: ReadonlyMap<string, string>): Mount[] {
  const mounts: Mount[] = [];
  for (const mount of container.volumeMounts ?? []) {
    const volume = volumes.get(mount.name);
    if (!volume) throw new ContainerConfigError(`cannot find volume "${mount.name}" to mount into container "${container.name}"`);
    const subPath = mount.subPathExpr ? expand(mount.subPathExpr, (name) => env.get(name)) : (mount.subPath ?? '');
    let hostPath = volume.path;
    if (subPath) {
      hostPath = join(volume.path, checkedSubPath(container.name, subPath));
      if (!existsSync(hostPath)) mkdirSync(hostPath, { recursive: true, mode: 0o755 });
    }
    const propagation = mount.mountPropagation === 'Bidirectional' ? 'PROPAGATION_BIDIRECTIONAL' : mount.mountPropagation === 'HostToContainer' ? 'PROPAGATION_HOST_TO_CONTAINER' : 'PROPAGATION_PRIVATE';
    mounts.push({ containerPath: mount.mountPath, hostPath, readonly: (mount.readOnly ?? false) || volume.readOnly, propagation });
  }
  return mounts;
}
