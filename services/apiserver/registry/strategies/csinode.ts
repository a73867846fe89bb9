// storage.k8s.io/v1 CSINodes: one per node, named as the node, written by its kubelet.
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

export const csinodeStrategy = defineStrategy(served('storage.k8s.io', 'v1', 'csinodes'));
