// CSIDriver rows: what the driver needs from kubelet (attach, pod info, capacity, tokens,
// republish) and its lifecycle modes.
import type { CSIDriver } from 'kubernetes-types/storage/v1.js';
import type { KubeObject } from '../object.js';
import { ageColumn, column, nameColumn } from './columns.js';
import { timestampSince } from './duration.js';
import type { Printer } from './types.js';

export const csiDriverPrinter: Printer = {
  columns: [
    nameColumn,
    column('AttachRequired', 'boolean', 'Whether volumes need an attach step.'),
    column('PodInfoOnMount', 'boolean', 'Whether kubelet passes pod information on mount.'),
    column('StorageCapacity', 'boolean', 'Whether the scheduler considers reported capacity.'),
    column('TokenRequests', 'string', 'Audiences of the service account tokens the driver receives.'),
    column('RequiresRepublish', 'boolean', 'Whether kubelet calls NodePublishVolume periodically.'),
    column('Modes', 'string', 'The volume lifecycle modes the driver supports.'),
    ageColumn,
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    const driver = obj as unknown as CSIDriver;
    const spec = driver.spec;
    const modes = (spec?.volumeLifecycleModes ?? []).join(',');
    const tokens = spec?.tokenRequests ? spec.tokenRequests.map((t) => t.audience).join(',') : '<unset>';
    return [
      driver.metadata?.name ?? '',
      spec?.attachRequired ?? true,
      spec?.podInfoOnMount ?? false,
      spec?.storageCapacity ?? false,
      tokens,
      spec?.requiresRepublish ?? false,
      modes === '' ? '<none>' : modes,
      timestampSince(driver.metadata?.creationTimestamp, now),
    ];
  },
};
