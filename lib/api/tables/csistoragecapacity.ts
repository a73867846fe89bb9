// CSIStorageCapacity rows: the class and the capacity reported for it (no age column, as in Kubernetes).
import type { KubeObject } from '../object.js';
import { column, nameColumn } from './columns.js';
import { quantityCell } from './storage-format.js';
import type { Printer } from './types.js';

export const csiStorageCapacityPrinter: Printer = {
  columns: [nameColumn, column('StorageClassName', 'string', 'The storage class the capacity is for.'), column('Capacity', 'string', 'The capacity reported.')],
  cells(obj: KubeObject): unknown[] {
    const capacity = obj as KubeObject & { storageClassName?: string; capacity?: string };
    return [capacity.metadata?.name ?? '', capacity.storageClassName ?? '', quantityCell(capacity.capacity, '<unset>')];
  },
};
