// Which namespaces exist and which are terminating, for NamespaceLifecycle admission,
// kept current from the store's commit stream (as Kubernetes keeps it from an informer), so a
// create never reads the store just to find its namespace.
import { findResource, storagePrefix } from '../../../lib/api/resources.js';
import type { Store } from '../../../lib/native/store.js';
import { followPrefix } from './follow-prefix.js';

export type NamespacePhase = 'absent' | 'active' | 'terminating';

const NAMESPACES = findResource('', 'v1', 'namespaces');
if (!NAMESPACES) throw new Error('namespaces are not served');
const PREFIX = storagePrefix(NAMESPACES);

export class NamespacePhases {
  private readonly terminating = new Map<string, boolean>();
  private readonly unfollow: () => void;

  constructor(store: Store) {
    this.unfollow = followPrefix(store, PREFIX, {
      clear: () => this.terminating.clear(),
      put: (key, value) => this.terminating.set(key.slice(PREFIX.length), value.metadata?.deletionTimestamp !== undefined),
      remove: (key) => this.terminating.delete(key.slice(PREFIX.length)),
    });
  }

  phase(name: string): NamespacePhase {
    const terminating = this.terminating.get(name);
    if (terminating === undefined) return 'absent';
    return terminating ? 'terminating' : 'active';
  }

  close(): void {
    this.unfollow();
  }
}
