// What a long-running component does with an exception nothing caught. Node's default is to exit,
// which turns one bad request, event or callback into an outage for every client. A server that
// has reached this point has a bug (each one found gets a regression test), but the requests in
// flight elsewhere are fine: the fault is logged with its stack and counted, and serving goes on.
import { Counter, type Registry } from 'prom-client';
import type { Logger } from './logger.js';

export function logProcessFaults(log: Logger, metrics?: Registry): void {
  const faults = new Counter({
    name: 'rudder_process_faults_total',
    help: 'Exceptions and promise rejections that nothing handled; each one is a bug',
    labelNames: ['kind'],
    registers: metrics ? [metrics] : [],
  });
  process.on('uncaughtException', (error, origin) => {
    faults.inc({ kind: origin });
    log.error({ err: error, origin }, 'an exception was not handled; still serving');
  });
  process.on('unhandledRejection', (reason) => {
    faults.inc({ kind: 'unhandledRejection' });
    log.error({ err: reason }, 'a promise rejection was not handled; still serving');
  });
}
