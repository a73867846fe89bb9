// Extra compares and operations that must commit in the same transaction as an object's write
// (for example a Service's clusterIP and nodePort reservations), so the two never diverge.
import type { KubeObject, StoredObject } from '../../../lib/api/object.js';
import type { Compare, TxnOp } from '../../../lib/native/store.js';

export interface WriteExtras {
  compare: Compare[];
  ops: TxnOp[];
}

export interface WriteHooks {
  /**
   * Called before every write of an object in `namespace` with the stored object (null on
   * create) and the object about to be stored (null on delete). May fill server-assigned fields
   * of `next`, and may throw a StatusError.
   */
  beforeWrite(namespace: string | undefined, old: StoredObject | null, next: KubeObject | null): Promise<WriteExtras>;
}

export const NO_EXTRAS: WriteExtras = { compare: [], ops: [] };
