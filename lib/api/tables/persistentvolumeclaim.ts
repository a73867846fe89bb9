// PersistentVolumeClaim rows: phase ("Terminating" while being deleted), the bound volume, and
// once bound its capacity and access modes; classes and, wide, the volume mode.
import type { PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../object.js';
import { ageColumn, column, nameColumn, wide } from './columns.js';
import { timestampSince } from './duration.js';
import { accessModesString, quantityCell, storageClassOf } from './storage-format.js';
import type { Printer } from './types.js';

export const persistentVolumeClaimPrinter: Printer = {
  columns: [
    nameColumn,
    column('Status', 'string', 'The phase of the claim.'),
    column('Volume', 'string', 'The volume the claim is bound to.'),
    column('Capacity', 'string', 'The storage of the bound volume.'),
    column('Access Modes', 'string', 'How the bound volume can be mounted.'),
    column('StorageClass', 'string', 'StorageClass of the pvc'),
    column('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pvc'),
    ageColumn,
    wide('VolumeMode', 'string', 'Filesystem or Block.'),
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    const pvc = obj as PersistentVolumeClaim & { spec?: { volumeAttributesClassName?: string } };
    const bound = (pvc.spec?.volumeName ?? '') !== '';
    return [
      pvc.metadata?.name ?? '',
      pvc.metadata?.deletionTimestamp ? 'Terminating' : (pvc.status?.phase ?? ''),
      pvc.spec?.volumeName ?? '',
      bound ? quantityCell(pvc.status?.capacity?.storage) : '',
      bound ? accessModesString(pvc.status?.accessModes) : '',
      storageClassOf(obj),
      pvc.spec?.volumeAttributesClassName ?? '<unset>',
      timestampSince(pvc.metadata?.creationTimestamp, now),
      pvc.spec?.volumeMode ?? '<unset>',
    ];
  },
};
