// core/v1 PersistentVolumes: cluster-scoped; the status (phase) is the volume binder's, through
// /status. A new volume starts Pending, its lastPhaseTransitionTime the moment it was created.
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

export const persistentvolumeStrategy = defineStrategy(served('', 'v1', 'persistentvolumes'), {
  prepareForCreate(pv) {
    const created = pv.metadata?.creationTimestamp;
    pv.status = { phase: 'Pending', ...(typeof created === 'string' ? { lastPhaseTransitionTime: created } : {}) };
  },
});
