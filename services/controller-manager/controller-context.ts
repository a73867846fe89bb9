// What every controller is built from: the process's shared informers, API client and event
// recorder, its worker count, clock, metrics registry and logger.
import type { Registry } from 'prom-client';
import type { Clock } from '../../lib/client/clock.js';
import type { EventRecorder } from '../../lib/client/event-recorder.js';
import type { RestClient } from '../../lib/client/rest-client.js';
import type { Logger } from '../../lib/observe/logger.js';
import type { SharedInformers } from './shared-informers.js';

export interface ControllerContext {
  informers: SharedInformers;
  client: RestClient;
  /** Keys synced at once (the --concurrent-*-syncs flag of the controller). */
  workers: number;
  clock: Clock;
  metrics: Registry;
  log: Logger;
  /** Events about the objects controllers act on (kubectl describe shows them). */
  events: EventRecorder;
}
