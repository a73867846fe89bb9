// batch/v1 CronJobs: the spec counts generations and the status (active jobs, last schedule) is
// the cronjob controller's, through /status.
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

export const cronjobStrategy = defineStrategy(served('batch', 'v1', 'cronjobs'), { tracksGeneration: true });
