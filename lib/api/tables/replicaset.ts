// ReplicaSet rows: desired, current and ready replica counts.
import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { KubeObject } from '../object.js';
import { ageColumn, column, containersColumn, imagesColumn, nameColumn, wide } from './columns.js';
import { timestampSince } from './duration.js';
import { containerCells, formatLabelSelector } from './format.js';
import type { Printer } from './types.js';

export const replicaSetPrinter: Printer = {
  columns: [
    nameColumn,
    column('Desired', 'integer', 'The number of pods the replica set asks for.'),
    column('Current', 'integer', 'The number of pods the replica set has observed.'),
    column('Ready', 'integer', 'The number of its pods that are ready.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    wide('Selector', 'string', 'The label selector of the pods the replica set manages.'),
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    const replicaSet = obj as ReplicaSet;
    const [names, images] = containerCells(replicaSet.spec?.template?.spec?.containers);
    return [
      replicaSet.metadata?.name ?? '',
      // Kubernetes defaults a missing replica count to 1.
      replicaSet.spec?.replicas ?? 1,
      replicaSet.status?.replicas ?? 0,
      replicaSet.status?.readyReplicas ?? 0,
      timestampSince(replicaSet.metadata?.creationTimestamp, now),
      names,
      images,
      formatLabelSelector(replicaSet.spec?.selector),
    ];
  },
};
