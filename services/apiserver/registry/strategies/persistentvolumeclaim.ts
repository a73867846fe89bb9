// core/v1 PersistentVolumeClaims: the status (phase, capacity, access modes) is the volume
// binder's, through /status, and starts Pending.
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

export const persistentvolumeclaimStrategy = defineStrategy(served('', 'v1', 'persistentvolumeclaims'));
