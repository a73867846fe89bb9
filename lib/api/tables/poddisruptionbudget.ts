// PodDisruptionBudget rows: min available, max unavailable ("N/A" for the one not set) and how many
// disruptions the budget allows now.
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import type { KubeObject } from '../object.js';
import { ageColumn, column, nameColumn } from './columns.js';
import { timestampSince } from './duration.js';
import type { Printer } from './types.js';

function intOrPercent(value: number | string | undefined | null): string {
  return value === undefined || value === null ? 'N/A' : String(value);
}

export const podDisruptionBudgetPrinter: Printer = {
  columns: [
    nameColumn,
    column('Min Available', 'string', 'The minimum number of pods that must be available.'),
    column('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.'),
    column('Allowed Disruptions', 'integer', 'Number of pod disruptions that are currently allowed.'),
    ageColumn,
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    const pdb = obj as PodDisruptionBudget;
    return [
      pdb.metadata?.name ?? '',
      intOrPercent(pdb.spec?.minAvailable),
      intOrPercent(pdb.spec?.maxUnavailable),
      pdb.status?.disruptionsAllowed ?? 0,
      timestampSince(pdb.metadata?.creationTimestamp, now),
    ];
  },
};
