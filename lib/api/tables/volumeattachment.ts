// VolumeAttachment rows: attacher, volume, node and whether it is attached.
import type { VolumeAttachment } from 'kubernetes-types/storage/v1.js';
import type { KubeObject } from '../object.js';
import { ageColumn, column, nameColumn } from './columns.js';
import { timestampSince } from './duration.js';
import type { Printer } from './types.js';

export const volumeAttachmentPrinter: Printer = {
  columns: [
    nameColumn,
    { ...column('Attacher', 'string', 'The CSI driver that attaches the volume.'), format: 'name' },
    column('PV', 'string', 'The persistent volume to attach.'),
    column('Node', 'string', 'The node to attach it to.'),
    column('Attached', 'boolean', 'Whether the volume is attached.'),
    ageColumn,
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    const attachment = obj as unknown as VolumeAttachment;
    return [
      attachment.metadata?.name ?? '',
      attachment.spec?.attacher ?? '',
      attachment.spec?.source?.persistentVolumeName ?? '',
      attachment.spec?.nodeName ?? '',
      attachment.status?.attached ?? false,
      timestampSince(attachment.metadata?.creationTimestamp, now),
    ];
  },
};
