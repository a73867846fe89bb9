// The consistency of a read, from its resourceVersion, as against etcd: none asks for the most
// recent state (a quorum read on a replica: ReadIndex), "0" takes this replica's state as it is,
// and any other waits briefly until this replica has caught up with it (504 otherwise).
import type { Store } from '../../../lib/native/store.js';
import { parseResourceVersion } from './list-options.js';
import { waitForRevision } from './wait-for-revision.js';

export async function awaitReadable(store: Store, resourceVersion: string): Promise<void> {
  const requested = parseResourceVersion(resourceVersion);
  if (requested === undefined) await store.linearizableRead();
  else if (requested > 0) await waitForRevision(store, requested);
}
