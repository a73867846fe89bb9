// Which namespaces exist and which are terminating, for NamespaceLifecycle admission,
// kept current from the store's commit stream (as Kubernetes keeps it from an informer), so a
// create never reads the store just to find its namespace.
import type { KubeObject } from '../../../lib/api/object.js';
import { findResource, storagePrefix } from '../../../lib/api/resources.js';
import type { Store, StoreEvent } from '../../../lib/native/store.js';

export type NamespacePhase = 'absent' | 'active' | 'terminating';

const NAMESPACES = findResource('', 'v1', 'namespaces');
if (!NAMESPACES) throw new Error('namespaces are not served');
const PREFIX = storagePrefix(NAMESPACES);

export class NamespacePhases {
  private readonly terminating = new Map<string, boolean>();
  private readonly unsubscribe: () => void;
  private readonly unsubscribeReset: () => void;

  constructor(private readonly store: Store) {
    this.load();
    this.unsubscribe = store.onCommit((events) => {
      for (const event of events) if (event.key.startsWith(PREFIX)) this.apply(event as StoreEvent<KubeObject>);
    });
    // A replica whose state a snapshot replaced reads it again.
    this.unsubscribeReset = store.onReset(() => this.load());
  }

  private load(): void {
    // The snapshot and the subscription meet at store.revision: nothing commits in between.
    this.terminating.clear();
    const { kvs } = this.store.range<KubeObject>(PREFIX, { revision: this.store.revision });
    for (const kv of kvs) this.record(kv.key, kv.value);
  }

  phase(name: string): NamespacePhase {
    const terminating = this.terminating.get(name);
    if (terminating === undefined) return 'absent';
    return terminating ? 'terminating' : 'active';
  }

  close(): void {
    this.unsubscribe();
    this.unsubscribeReset();
  }

  private record(key: string, value: KubeObject): void {
    this.terminating.set(key.slice(PREFIX.length), value.metadata?.deletionTimestamp !== undefined);
  }

  private apply(event: StoreEvent<KubeObject>): void {
    if (event.type === 'delete' || event.value === null) this.terminating.delete(event.key.slice(PREFIX.length));
    else this.record(event.key, event.value);
  }
}
