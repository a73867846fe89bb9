// PriorityClass rows: value, whether it is the global default, and its preemption policy.
import type { PriorityClass } from 'kubernetes-types/scheduling/v1.js';
import type { KubeObject } from '../object.js';
import { ageColumn, column, nameColumn } from './columns.js';
import { timestampSince } from './duration.js';
import type { Printer } from './types.js';

export const priorityClassPrinter: Printer = {
  columns: [
    nameColumn,
    column('Value', 'integer', 'The priority pods of this class get.'),
    column('Global-Default', 'boolean', 'Whether pods without a priority class get this one.'),
    ageColumn,
    column('PreemptionPolicy', 'string', 'Whether pods of this class may preempt lower-priority pods.'),
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    const pc = obj as unknown as PriorityClass;
    return [pc.metadata?.name ?? '', pc.value ?? 0, pc.globalDefault ?? false, timestampSince(pc.metadata?.creationTimestamp, now), pc.preemptionPolicy ?? ''];
  },
};
