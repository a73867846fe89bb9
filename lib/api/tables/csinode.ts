// CSINode rows: how many CSI drivers are registered on the node.
import type { CSINode } from 'kubernetes-types/storage/v1.js';
import type { KubeObject } from '../object.js';
import { ageColumn, column, nameColumn } from './columns.js';
import { timestampSince } from './duration.js';
import type { Printer } from './types.js';

export const csiNodePrinter: Printer = {
  columns: [nameColumn, column('Drivers', 'integer', 'Drivers indicates the number of CSI drivers registered on the node'), ageColumn],
  cells(obj: KubeObject, now: Date): unknown[] {
    const node = obj as unknown as CSINode;
    return [node.metadata?.name ?? '', node.spec?.drivers?.length ?? 0, timestampSince(node.metadata?.creationTimestamp, now)];
  },
};
