// StorageObjectInUseProtection admission (plugin/pkg/admission/storage/storageobjectinuseprotection):
// every new PersistentVolumeClaim gets the kubernetes.io/pvc-protection finalizer and every new
// PersistentVolume kubernetes.io/pv-protection, so neither disappears while in use; the protection
// controllers remove them once nothing uses the object.
import { findResource } from '../../../lib/api/resources.js';
import type { AdmissionPlugin } from './plugin.js';

const CLAIMS = findResource('', 'v1', 'persistentvolumeclaims')!;
const VOLUMES = findResource('', 'v1', 'persistentvolumes')!;
export const PVC_PROTECTION_FINALIZER = 'kubernetes.io/pvc-protection';
export const PV_PROTECTION_FINALIZER = 'kubernetes.io/pv-protection';

export function storageObjectInUseProtection(): AdmissionPlugin {
  return {
    name: 'StorageObjectInUseProtection',
    admit({ info, operation, subresource, object }) {
      if (operation !== 'CREATE' || subresource !== undefined || !object) return;
      const finalizer = info === CLAIMS ? PVC_PROTECTION_FINALIZER : info === VOLUMES ? PV_PROTECTION_FINALIZER : undefined;
      if (!finalizer) return;
      const finalizers = Array.isArray(object.metadata?.finalizers) ? object.metadata.finalizers : [];
      if (finalizers.includes(finalizer)) return;
      object.metadata = { ...object.metadata, finalizers: [...finalizers, finalizer] };
    },
  };
}
