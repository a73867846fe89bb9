// networking.k8s.io/v1 NetworkPolicies: the spec counts generations.
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

export const networkpolicyStrategy = defineStrategy(served('networking.k8s.io', 'v1', 'networkpolicies'), { tracksGeneration: true });
