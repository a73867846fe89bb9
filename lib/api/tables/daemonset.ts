// DaemonSet rows: scheduled, ready, updated and available counts, and the node selector.
import type { DaemonSet } from 'kubernetes-types/apps/v1.js';
import type { KubeObject } from '../object.js';
import { ageColumn, column, containersColumn, imagesColumn, nameColumn, wide } from './columns.js';
import { timestampSince } from './duration.js';
import { containerCells, formatLabelSelector, formatLabels } from './format.js';
import type { Printer } from './types.js';

export const daemonSetPrinter: Printer = {
  columns: [
    nameColumn,
    column('Desired', 'integer', 'Nodes that should run the daemon pod.'),
    column('Current', 'integer', 'Nodes that run at least one daemon pod and should.'),
    column('Ready', 'integer', 'Nodes whose daemon pod is ready.'),
    column('Up-to-date', 'integer', 'Nodes that run the current daemon pod template.'),
    column('Available', 'integer', 'Nodes whose daemon pod has been ready for minReadySeconds.'),
    column('Node Selector', 'string', 'The node labels the daemon pods are restricted to.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    wide('Selector', 'string', 'The label selector of the pods the daemon set manages.'),
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    const daemonSet = obj as DaemonSet;
    const status = daemonSet.status;
    const [names, images] = containerCells(daemonSet.spec?.template?.spec?.containers);
    return [
      daemonSet.metadata?.name ?? '',
      status?.desiredNumberScheduled ?? 0,
      status?.currentNumberScheduled ?? 0,
      status?.numberReady ?? 0,
      status?.updatedNumberScheduled ?? 0,
      status?.numberAvailable ?? 0,
      formatLabels(daemonSet.spec?.template?.spec?.nodeSelector),
      timestampSince(daemonSet.metadata?.creationTimestamp, now),
      names,
      images,
      formatLabelSelector(daemonSet.spec?.selector),
    ];
  },
};
