// PersistentVolume rows: capacity, access modes, reclaim policy, phase ("Terminating" while being
// deleted), the bound claim, classes, reason, and, wide, the volume mode.
import type { PersistentVolume } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../object.js';
import { ageColumn, column, nameColumn, wide } from './columns.js';
import { timestampSince } from './duration.js';
import { accessModesString, quantityCell, storageClassOf } from './storage-format.js';
import type { Printer } from './types.js';

export const persistentVolumePrinter: Printer = {
  columns: [
    nameColumn,
    column('Capacity', 'string', 'The storage the volume holds.'),
    column('Access Modes', 'string', 'How the volume can be mounted.'),
    column('Reclaim Policy', 'string', 'What happens to the volume when its claim is released.'),
    column('Status', 'string', 'The phase of the volume.'),
    column('Claim', 'string', 'The claim bound to the volume.'),
    column('StorageClass', 'string', 'StorageClass of the pv'),
    column('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pv'),
    column('Reason', 'string', 'Why the volume is in its phase.'),
    ageColumn,
    wide('VolumeMode', 'string', 'Filesystem or Block.'),
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    const pv = obj as PersistentVolume & { spec?: { volumeAttributesClassName?: string } };
    const claimRef = pv.spec?.claimRef;
    const claim = claimRef ? `${claimRef.namespace ?? ''}/${claimRef.name ?? ''}` : '';
    const phase = pv.metadata?.deletionTimestamp ? 'Terminating' : (pv.status?.phase ?? '');
    return [
      pv.metadata?.name ?? '',
      quantityCell(pv.spec?.capacity?.storage),
      accessModesString(pv.spec?.accessModes),
      pv.spec?.persistentVolumeReclaimPolicy ?? '',
      phase,
      claim,
      storageClassOf(obj),
      pv.spec?.volumeAttributesClassName ?? '<unset>',
      pv.status?.reason ?? '',
      timestampSince(pv.metadata?.creationTimestamp, now),
      pv.spec?.volumeMode ?? '<unset>',
    ];
  },
};
