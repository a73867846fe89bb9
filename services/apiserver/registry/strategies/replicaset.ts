// ReplicaSets: the spec counts generations (the replicaset controller reports the one it acted on in
// status.observedGeneration), and the status is the controller's, through /status.
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

export const replicasetStrategy = defineStrategy(served('apps', 'v1', 'replicasets'), { tracksGeneration: true });
