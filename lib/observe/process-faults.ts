// What a long-running component does with an exception nothing caught. Node's default is to exit,
// which turns one bad request, event or callback into an outage for every client. A server that
// has reached this point has a bug (each one found gets a regression test), but the requests in
// flight elsewhere are fine: the fault is logged with its stack and counted, and serving goes on.
// Until the component says it is serving, a fault is a failed start (a port already taken, say):
// it is logged and the process exits 1, so its supervisor sees the failure instead of a process
// that stays up doing nothing, or ends with status 0.
import { Counter, type Registry } from 'prom-client';
import type { Logger } from './logger.js';

export interface ProcessFaults {
  /** From now on a fault is logged and counted, and the process goes on serving. */
  serving(): void;
}

export function logProcessFaults(log: Logger, metrics?: Registry): ProcessFaults {
  let serving = false;
  const faults = new Counter({
    name: 'rudder_process_faults_total',
    help: 'Exceptions and promise rejections that nothing handled; each one is a bug',
    labelNames: ['kind'],
    registers: metrics ? [metrics] : [],
  });
  process.on('uncaughtException', (error, origin) => {
    if (!serving) {
      log.fatal({ err: error, origin }, 'failed to start');
      process.exit(1);
    }
    faults.inc({ kind: origin });
    log.error({ err: error, origin }, 'an exception was not handled; still serving');
  });
  process.on('unhandledRejection', (reason) => {
    if (!serving) {
      log.fatal({ err: reason }, 'failed to start');
      process.exit(1);
    }
    faults.inc({ kind: 'unhandledRejection' });
    log.error({ err: reason }, 'a promise rejection was not handled; still serving');
  });
  return {
    serving() {
      serving = true;
    },
  };
}
