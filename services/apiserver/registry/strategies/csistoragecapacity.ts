// storage.k8s.io/v1 CSIStorageCapacities: namespaced capacity reports of CSI drivers.
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

export const csistoragecapacityStrategy = defineStrategy(served('storage.k8s.io', 'v1', 'csistoragecapacities'));
