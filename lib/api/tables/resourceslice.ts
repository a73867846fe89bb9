// ResourceSlice rows: the node (if the slice is one node's), the driver and the pool.
import { isPlainObject, type KubeObject } from '../object.js';
import { ageColumn, column, nameColumn } from './columns.js';
import { timestampSince } from './duration.js';
import type { Printer } from './types.js';

export const resourceSlicePrinter: Printer = {
  columns: [
    nameColumn,
    column('Node', 'string', 'The node whose devices the slice lists, when it is one node.'),
    column('Driver', 'string', 'The driver that publishes the slice.'),
    column('Pool', 'string', 'The pool the devices belong to.'),
    ageColumn,
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    const spec = isPlainObject(obj.spec) ? obj.spec : {};
    const pool = isPlainObject(spec.pool) ? spec.pool : {};
    const text = (v: unknown): string => (typeof v === 'string' ? v : '');
    return [obj.metadata?.name ?? '', text(spec.nodeName), text(spec.driver), text(pool.name), timestampSince(obj.metadata?.creationTimestamp, now)];
  },
};
