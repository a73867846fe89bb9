// Calls `changed` whenever what the store holds under `prefix` may have changed: a committed event
// under it (on this replica or, through Raft, another), or a snapshot replacing the replica's state.
// For caches derived from the store that are dropped and rebuilt on the next read.
import type { Store } from '../../lib/native/store.js';

export function onPrefixChange(store: Store, prefix: string, changed: () => void): () => void {
  const unsubscribe = store.onCommit((events) => {
    if (events.some((e) => e.key.startsWith(prefix))) changed();
  });
  const unsubscribeReset = store.onReset(() => changed());
  return () => {
    unsubscribe();
    unsubscribeReset();
  };
}
