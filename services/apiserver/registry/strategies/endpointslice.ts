// EndpointSlices: the generic steps; written by the endpoint-slice controller.
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

export const endpointsliceStrategy = defineStrategy(served('discovery.k8s.io', 'v1', 'endpointslices'));
