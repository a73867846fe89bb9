// Endpoints: written by the endpoints controller (and the apiserver for "kubernetes"), which PUTs
// them whether they exist or not.
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

export const endpointsStrategy = defineStrategy(served('', 'v1', 'endpoints'), { allowCreateOnUpdate: true });
