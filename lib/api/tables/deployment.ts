// Deployment rows: READY as ready/desired, then up-to-date and available replicas.
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import type { KubeObject } from '../object.js';
import { ageColumn, column, containersColumn, imagesColumn, nameColumn, wide } from './columns.js';
import { timestampSince } from './duration.js';
import { containerCells, labelSelectorString } from './format.js';
import type { Printer } from './types.js';

export const deploymentPrinter: Printer = {
  columns: [
    nameColumn,
    column('Ready', 'string', 'Ready pods out of the desired replicas.'),
    column('Up-to-date', 'string', 'Pods that run the current pod template.'),
    column('Available', 'string', 'Pods that have been ready for at least minReadySeconds.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    wide('Selector', 'string', 'The label selector of the pods the deployment manages.'),
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    const deployment = obj as Deployment;
    const status = deployment.status ?? {};
    // Kubernetes defaults a missing replica count to 1.
    const desired = deployment.spec?.replicas ?? 1;
    const [names, images] = containerCells(deployment.spec?.template?.spec?.containers);
    // Unlike other workloads, an empty deployment selector prints as an empty cell.
    const selector = labelSelectorString(deployment.spec?.selector) ?? '<invalid>';
    return [
      deployment.metadata?.name ?? '',
      `${status.readyReplicas ?? 0}/${desired}`,
      status.updatedReplicas ?? 0,
      status.availableReplicas ?? 0,
      timestampSince(deployment.metadata?.creationTimestamp, now),
      names,
      images,
      selector,
    ];
  },
};
