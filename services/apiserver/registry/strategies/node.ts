// Nodes: a kubelet registers its Node with its status, so a create keeps the status it is sent;
// later status changes go through /status.
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

export const nodeStrategy = defineStrategy(served('', 'v1', 'nodes'), { prepareForCreate: () => undefined });
