// resource.k8s.io/v1 ResourceSlices, which drivers publish: the generation counts changes of the spec.
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

export const resourcesliceStrategy = defineStrategy(served('resource.k8s.io', 'v1', 'resourceslices'), { tracksGeneration: true });
