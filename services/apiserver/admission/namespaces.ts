// Which namespaces exist, which are terminating and what labels they carry, for NamespaceLifecycle
// admission and the webhooks' namespaceSelector, kept current from the store's commit stream (as
// Kubernetes keeps it from an informer), so a write never reads the store just to find its namespace.
import { findResource, storagePrefix } from '../../../lib/api/resources.js';
import type { Labels } from '../../../lib/api/selectors/label-selector.js';
import type { Store } from '../../../lib/native/store.js';
import { followPrefix } from './follow-prefix.js';

export type NamespacePhase = 'absent' | 'active' | 'terminating';

const NAMESPACES = findResource('', 'v1', 'namespaces');
if (!NAMESPACES) throw new Error('namespaces are not served');
const PREFIX = storagePrefix(NAMESPACES);
const NO_LABELS: Labels = Object.freeze({});

interface NamespaceFacts {
  terminating: boolean;
  labels: Labels;
}

export class NamespacePhases {
  private readonly namespaces = new Map<string, NamespaceFacts>();
  private readonly unfollow: () => void;

  constructor(store: Store) {
    this.unfollow = followPrefix(store, PREFIX, {
      clear: () => this.namespaces.clear(),
      put: (key, value) =>
        this.namespaces.set(key.slice(PREFIX.length), { terminating: value.metadata?.deletionTimestamp !== undefined, labels: value.metadata?.labels ?? NO_LABELS }),
      remove: (key) => this.namespaces.delete(key.slice(PREFIX.length)),
    });
  }

  phase(name: string): NamespacePhase {
    const facts = this.namespaces.get(name);
    if (facts === undefined) return 'absent';
    return facts.terminating ? 'terminating' : 'active';
  }

  /** The namespace's labels; none for a namespace that does not exist. */
  labels(name: string): Labels {
    return this.namespaces.get(name)?.labels ?? NO_LABELS;
  }

  close(): void {
    this.unfollow();
  }
}
