// core/v1 ReplicationControllers: the spec counts generations (the replication manager reports the
// one it acted on), and the status is the controller's, through /status.
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

export const replicationcontrollerStrategy = defineStrategy(served('', 'v1', 'replicationcontrollers'), { tracksGeneration: true });
