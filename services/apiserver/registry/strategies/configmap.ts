// ConfigMaps: the generic steps; data and binaryData are immutable once the ConfigMap is marked
// immutable (validation).
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

export const configmapStrategy = defineStrategy(served('', 'v1', 'configmaps'));
