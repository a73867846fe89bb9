// Keeps an in-memory view of every object under one storage prefix current from the store's
// commit stream (as Kubernetes keeps an admission plugin's lister current from an informer), so
// admission never reads the store on a write's path just to look something up.
import type { KubeObject } from '../../../lib/api/object.js';
import type { Store, StoreEvent } from '../../../lib/native/store.js';

export interface PrefixView {
  /** Forget everything: a full load follows. */
  clear(): void;
  /** The object at `key` is now `value` (written at `revision`). */
  put(key: string, value: KubeObject, revision: number): void;
  remove(key: string): void;
}

/** Loads `view` with what is under `prefix` and follows every commit; returns the unsubscribe. */
export function followPrefix(store: Store, prefix: string, view: PrefixView): () => void {
  const load = (): void => {
    // The snapshot and the subscription meet at store.revision: nothing commits in between.
    view.clear();
    for (const kv of store.range<KubeObject>(prefix, { revision: store.revision }).kvs) view.put(kv.key, kv.value, kv.modRevision);
  };
  load();
  const unsubscribe = store.onCommit((events) => {
    for (const event of events as StoreEvent<KubeObject>[]) {
      if (!event.key.startsWith(prefix)) continue;
      if (event.type === 'delete' || event.value === null) view.remove(event.key);
      else view.put(event.key, event.value, event.revision);
    }
  });
  // A replica whose state a snapshot replaced reads it again.
  const unsubscribeReset = store.onReset(() => load());
  return () => {
    unsubscribe();
    unsubscribeReset();
  };
}
