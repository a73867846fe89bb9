// storage.k8s.io/v1 CSIDrivers: cluster-scoped, no status.
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

export const csidriverStrategy = defineStrategy(served('storage.k8s.io', 'v1', 'csidrivers'));
