// core/v1 PersistentVolumes: cluster-scoped; the status (phase) is the volume binder's, through
// /status, and starts Pending.
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

export const persistentvolumeStrategy = defineStrategy(served('', 'v1', 'persistentvolumes'));
