// Lease rows: who holds the lease.
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { KubeObject } from '../object.js';
import { ageColumn, column, nameColumn } from './columns.js';
import { timestampSince } from './duration.js';
import type { Printer } from './types.js';

export const leasePrinter: Printer = {
  columns: [nameColumn, column('Holder', 'string', 'The identity of the current holder of the lease.'), ageColumn],
  cells(obj: KubeObject, now: Date): unknown[] {
    const lease = obj as Lease;
    return [lease.metadata?.name ?? '', lease.spec?.holderIdentity ?? '', timestampSince(lease.metadata?.creationTimestamp, now)];
  },
};
