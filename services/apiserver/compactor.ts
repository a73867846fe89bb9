// Periodic compaction, as kube-apiserver asks etcd for it: each tick compacts to the revision seen
// at the previous tick, so watches and paged lists always have at least one interval of history.
import type { Store } from '../../lib/native/store.js';
import type { Logger } from '../../lib/observe/logger.js';

export function startCompactor(store: Store, intervalMs: number, log: Logger): () => void {
  if (intervalMs <= 0) return () => undefined;
  let previous = store.revision;
  const timer = setInterval(() => {
    const target = previous;
    previous = store.revision;
    // Compaction goes through the log, so one replica (the leader) asks for it.
    if (store.replicated && store.replicaStatus()?.role !== 'leader') return;
    if (target <= store.compactRevision) return;
    store.compact(target).then(
      () => log.debug({ revision: target }, 'compacted store history'),
      (error: unknown) => log.warn({ err: error, revision: target }, 'compaction failed'),
    );
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
