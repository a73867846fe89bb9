// node.k8s.io/v1 RuntimeClasss: stored as sent after defaulting and validation (lib/api/defaults, lib/api/validation).
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

export const runtimeclassStrategy = defineStrategy(served('node.k8s.io', 'v1', 'runtimeclasses'));
