// networking.k8s.io/v1 Ingresses: the spec counts generations, and the status (load balancer
// addresses) is the ingress controller's, through /status.
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

export const ingressStrategy = defineStrategy(served('networking.k8s.io', 'v1', 'ingresses'), { tracksGeneration: true });
