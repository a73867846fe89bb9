// DaemonSets: the spec counts generations (the daemonset controller reports the one it acted on in
// status.observedGeneration), and the status is the controller's, through /status.
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

export const daemonsetStrategy = defineStrategy(served('apps', 'v1', 'daemonsets'), { tracksGeneration: true });
