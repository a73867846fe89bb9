// Deployments: the spec counts generations (the deployment controller reports the one it acted on in
// status.observedGeneration), and the status is the controller's, through /status.
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

export const deploymentStrategy = defineStrategy(served('apps', 'v1', 'deployments'), { tracksGeneration: true });
