// Leases: leader election and node heartbeats PUT them whether they exist or not.
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

export const leaseStrategy = defineStrategy(served('coordination.k8s.io', 'v1', 'leases'), { allowCreateOnUpdate: true });
