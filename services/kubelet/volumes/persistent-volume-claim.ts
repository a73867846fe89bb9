// persistentVolumeClaim volumes on this node: the claim must be Bound, and its PersistentVolume a
// hostPath or local volume, whose path is mounted (a local volume's path must exist).
import type { PersistentVolumeClaimVolumeSource } from 'kubernetes-types/core/v1.js';
import { checkHostPath } from './host-path.js';
import type { PodObjects } from './pod-objects.js';
import { VolumeError } from './volume-error.js';

export async function claimPath(objects: PodObjects, namespace: string, source: PersistentVolumeClaimVolumeSource): Promise<string> {
  const claim = await objects.persistentVolumeClaim(namespace, source.claimName);
  if (!claim) throw new VolumeError(`persistentvolumeclaim "${source.claimName}" not found`);
  const volumeName = claim.spec?.volumeName;
  if (claim.status?.phase !== 'Bound' || !volumeName) throw new VolumeError(`persistentvolumeclaim "${source.claimName}" is not bound`);
  const volume = await objects.persistentVolume(volumeName);
  if (!volume) throw new VolumeError(`persistentvolume "${volumeName}" not found`);
  if (volume.spec?.hostPath) {
    checkHostPath(volume.spec.hostPath.path, volume.spec.hostPath.type);
    return volume.spec.hostPath.path;
  }
  if (volume.spec?.local) {
    checkHostPath(volume.spec.local.path, 'Directory');
    return volume.spec.local.path;
  }
  throw new VolumeError(`persistentvolume "${volumeName}" is neither hostPath nor local, which this node cannot mount`);
}
