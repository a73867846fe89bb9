// apps/v1 ControllerRevisions: snapshots the StatefulSet and DaemonSet controllers write; the
// generic steps (validation keeps data immutable).
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

export const controllerrevisionStrategy = defineStrategy(served('apps', 'v1', 'controllerrevisions'));
