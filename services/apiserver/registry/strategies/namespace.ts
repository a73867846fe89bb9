// Namespaces: spec.finalizers changes only through /finalize (the namespace controller's), and a
// namespace with finalizers is not deleted but marked Terminating, so the namespace controller
// can empty it and then remove the finalizer.
import { isPlainObject } from '../../../../lib/api/object.js';
import { defineStrategy, keepStatus } from '../strategy.js';
import { served } from './served.js';

export const namespaceStrategy = defineStrategy(served('', 'v1', 'namespaces'), {
  prepareForUpdate(next, old) {
    keepStatus(next, old);
    if (isPlainObject(old.spec)) {
      next.spec = { ...(isPlainObject(next.spec) ? next.spec : {}), finalizers: old.spec.finalizers };
      if (old.spec.finalizers === undefined) delete (next.spec as Record<string, unknown>).finalizers;
    }
    return next;
  },
  finalize: {
    // Only spec.finalizers changes through /finalize (Kubernetes' namespace finalizeStrategy).
    prepareForUpdate(next, old) {
      const kept = structuredClone(old) as typeof old;
      const finalizers = isPlainObject(next.spec) ? next.spec.finalizers : undefined;
      const spec = { ...(isPlainObject(kept.spec) ? kept.spec : {}) } as Record<string, unknown>;
      if (finalizers === undefined || finalizers === null) delete spec.finalizers;
      else spec.finalizers = finalizers;
      kept.spec = spec;
      kept.metadata.resourceVersion = next.metadata?.resourceVersion ?? kept.metadata.resourceVersion;
      return kept;
    },
    validateUpdate: () => [],
  },
  deletion: {
    gracePeriodSeconds: () => 0,
    markForController(namespace, now) {
      if (!isPlainObject(namespace.spec) || !Array.isArray(namespace.spec.finalizers) || namespace.spec.finalizers.length === 0) return undefined;
      if (!namespace.metadata.deletionTimestamp) {
        namespace.metadata.deletionTimestamp = now;
        namespace.metadata.deletionGracePeriodSeconds = 0;
      }
      namespace.status = { ...(isPlainObject(namespace.status) ? namespace.status : {}), phase: 'Terminating' };
      return namespace;
    },
  },
});
