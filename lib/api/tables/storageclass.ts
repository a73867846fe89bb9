// StorageClass rows: the default class marked "(default)", provisioner, reclaim policy, binding
// mode and whether volumes may grow.
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import type { KubeObject } from '../object.js';
import { ageColumn, column, nameColumn } from './columns.js';
import { timestampSince } from './duration.js';
import type { Printer } from './types.js';

export const DEFAULT_STORAGE_CLASS_ANNOTATIONS = ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class'];

/** storageutil.IsDefaultAnnotation. */
export function isDefaultStorageClass(obj: KubeObject): boolean {
  return DEFAULT_STORAGE_CLASS_ANNOTATIONS.some((key) => obj.metadata?.annotations?.[key] === 'true');
}

export const storageClassPrinter: Printer = {
  columns: [
    nameColumn,
    column('Provisioner', 'string', 'The volume plugin that provisions volumes of this class.'),
    column('ReclaimPolicy', 'string', 'What happens to provisioned volumes when released.'),
    column('VolumeBindingMode', 'string', 'When volumes are bound and provisioned.'),
    column('AllowVolumeExpansion', 'string', 'Whether volumes of this class may grow.'),
    ageColumn,
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    const sc = obj as unknown as StorageClass;
    const name = `${sc.metadata?.name ?? ''}${isDefaultStorageClass(obj) ? ' (default)' : ''}`;
    return [name, sc.provisioner ?? '', sc.reclaimPolicy ?? 'Delete', sc.volumeBindingMode ?? 'Immediate', sc.allowVolumeExpansion ?? false, timestampSince(sc.metadata?.creationTimestamp, now)];
  },
};
