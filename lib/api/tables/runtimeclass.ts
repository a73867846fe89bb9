// RuntimeClass rows: the CRI handler that runs pods of the class.
import type { RuntimeClass } from 'kubernetes-types/node/v1.js';
import type { KubeObject } from '../object.js';
import { ageColumn, column, nameColumn } from './columns.js';
import { timestampSince } from './duration.js';
import type { Printer } from './types.js';

export const runtimeClassPrinter: Printer = {
  columns: [nameColumn, column('Handler', 'string', 'The CRI runtime handler that runs pods of this class.'), ageColumn],
  cells(obj: KubeObject, now: Date): unknown[] {
    const rc = obj as unknown as RuntimeClass;
    return [rc.metadata?.name ?? '', rc.handler ?? '', timestampSince(rc.metadata?.creationTimestamp, now)];
  },
};
