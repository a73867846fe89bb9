// networking.k8s.io/v1 IngressClasses: the spec counts generations (the controller never changes,
// its parameters may). That at most one class is the default is not enforced, as in Kubernetes.
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

export const ingressclassStrategy = defineStrategy(served('networking.k8s.io', 'v1', 'ingressclasses'), { tracksGeneration: true });
