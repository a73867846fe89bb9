// StatefulSet rows: READY as ready/desired, and, wide, its containers.
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { KubeObject } from '../object.js';
import { ageColumn, column, containersColumn, imagesColumn, nameColumn } from './columns.js';
import { timestampSince } from './duration.js';
import { containerCells } from './format.js';
import type { Printer } from './types.js';

export const statefulSetPrinter: Printer = {
  columns: [nameColumn, column('Ready', 'string', 'Ready pods out of the desired replicas.'), ageColumn, containersColumn, imagesColumn],
  cells(obj: KubeObject, now: Date): unknown[] {
    const statefulSet = obj as StatefulSet;
    const [names, images] = containerCells(statefulSet.spec?.template?.spec?.containers);
    return [
      statefulSet.metadata?.name ?? '',
      `${statefulSet.status?.readyReplicas ?? 0}/${statefulSet.spec?.replicas ?? 0}`,
      timestampSince(statefulSet.metadata?.creationTimestamp, now),
      names,
      images,
    ];
  },
};
