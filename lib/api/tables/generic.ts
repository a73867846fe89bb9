// The table for kinds without a printer of their own: Name and Created At, as Kubernetes'
// default table convertor prints them.
import type { KubeObject } from '../object.js';
import { column, nameColumn } from './columns.js';
import { rfc3339 } from './duration.js';
import type { Printer } from './types.js';

export const genericPrinter: Printer = {
  columns: [nameColumn, column('Created At', 'date', 'When the object was created (metadata.creationTimestamp).')],
  cells(obj: KubeObject): unknown[] {
    return [obj.metadata?.name ?? '', rfc3339(obj.metadata?.creationTimestamp)];
  },
};
