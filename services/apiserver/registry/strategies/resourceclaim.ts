// resource.k8s.io/v1 ResourceClaims: the spec is the user's and never changes; the status (the
// allocation and who the claim is reserved for) belongs to the scheduler and the resource claim
// controller, through /status.
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

export const resourceclaimStrategy = defineStrategy(served('resource.k8s.io', 'v1', 'resourceclaims'));
