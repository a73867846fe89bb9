// Extra compares and operations that must commit in the same transaction as an object's write
// (for example a Service's clusterIP and nodePort reservations), so the two never diverge.
import type { KubeObject, StoredObject } from '../../../lib/api/object.js';
import type { Compare, TxnOp } from '../../../lib/native/store.js';
import type { Scope } from './registry.js';

export interface WriteExtras {
  compare: Compare[];
  ops: TxnOp[];
}

export interface WriteHooks {
  /**
   * Called before every write with the stored object (null on create) and the object about to be
   * stored (null on delete). May fill server-assigned fields of `next`, and may throw a StatusError.
   */
  beforeWrite(scope: Scope, old: StoredObject | null, next: KubeObject | null): Promise<WriteExtras>;
}

export const NO_EXTRAS: WriteExtras = { compare: [], ops: [] };

/** Runs the hooks registered for a kind; kinds without any write nothing extra. */
export class KindWriteHooks {
  constructor(private readonly byKind: ReadonlyMap<string, WriteHooks>) {}

  has(kind: string): boolean {
    return this.byKind.has(kind);
  }

  beforeWrite(scope: Scope, old: StoredObject | null, next: KubeObject | null): Promise<WriteExtras> {
    const hooks = this.byKind.get(scope.info.kind);
    return hooks ? hooks.beforeWrite(scope, old, next) : Promise.resolve(NO_EXTRAS);
  }

}
