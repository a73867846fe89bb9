// resource.k8s.io/v1 DeviceClasses: the generation counts changes of the spec.
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

export const deviceclassStrategy = defineStrategy(served('resource.k8s.io', 'v1', 'deviceclasses'), { tracksGeneration: true });
