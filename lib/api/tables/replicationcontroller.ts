// ReplicationController rows: desired, current and ready replicas, and, wide, containers and the
// (equality) selector.
import type { ReplicationController } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../object.js';
import { ageColumn, column, containersColumn, imagesColumn, nameColumn, wide } from './columns.js';
import { timestampSince } from './duration.js';
import { containerCells, formatLabels } from './format.js';
import type { Printer } from './types.js';

export const replicationControllerPrinter: Printer = {
  columns: [
    nameColumn,
    column('Desired', 'integer', 'The number of pods the controller asks for.'),
    column('Current', 'integer', 'The number of pods the controller has observed.'),
    column('Ready', 'integer', 'The number of its pods that are ready.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    wide('Selector', 'string', 'The label selector of the pods the controller manages.'),
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    const controller = obj as ReplicationController;
    const [names, images] = containerCells(controller.spec?.template?.spec?.containers);
    return [
      controller.metadata?.name ?? '',
      controller.spec?.replicas ?? 0,
      controller.status?.replicas ?? 0,
      controller.status?.readyReplicas ?? 0,
      timestampSince(controller.metadata?.creationTimestamp, now),
      names,
      images,
      formatLabels(controller.spec?.selector),
    ];
  },
};
