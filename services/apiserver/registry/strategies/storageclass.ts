// storage.k8s.io/v1 StorageClasses: cluster-scoped, no status; what may not change is in validation.
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

export const storageclassStrategy = defineStrategy(served('storage.k8s.io', 'v1', 'storageclasses'));
