// --max-requests-inflight and --max-mutating-requests-inflight, as kube-apiserver's maxinflight
// filter (the one before API Priority and Fairness): reads and writes each have a number of slots;
// a request that finds its kind's slots taken gets 429 TooManyRequests with Retry-After: 1, except
// from system:masters, which is always answered (without a slot). Long-running requests (watches)
// and health probes take no slot. A slot is held from the request's headers to its response's end.
// apiserver_current_inflight_requests shows the slots in use.
import type { FastifyInstance } from 'fastify';
import { Gauge, type Registry } from 'prom-client';
import { errors } from '../../../lib/api/status.js';
import { isHealthProbe } from '../../../lib/observe/health.js';
import { sendStatus } from './errors.js';
import { isLongRunningRequest, isMutating } from './request-class.js';

export interface MaxInFlightOptions {
  /** Reads in flight at once; 0: no limit. */
  maxRequestsInflight: number;
  /** Writes in flight at once; 0: no limit. */
  maxMutatingRequestsInflight: number;
  metrics: Registry;
}

type RequestKind = 'readOnly' | 'mutating';

const PRIVILEGED_GROUP = 'system:masters';
const RETRY_AFTER_SECONDS = 1;

export function installMaxInFlight(app: FastifyInstance, options: MaxInFlightOptions): void {
  const limits: Record<RequestKind, number> = { readOnly: options.maxRequestsInflight, mutating: options.maxMutatingRequestsInflight };
  const current: Record<RequestKind, number> = { readOnly: 0, mutating: 0 };
  new Gauge({
    name: 'apiserver_current_inflight_requests',
    help: 'Number of requests currently being served by this apiserver, by request kind (readOnly, mutating); watches are not counted.',
    labelNames: ['request_kind'],
    registers: [options.metrics],
    collect() {
      this.set({ request_kind: 'readOnly' }, current.readOnly);
      this.set({ request_kind: 'mutating' }, current.mutating);
    },
  });

  // A callback hook (no promise per request); it answers 429 itself instead of calling done.
  app.addHook('onRequest', (request, reply, done) => {
    if (isHealthProbe(request.url) || isLongRunningRequest(request)) return done();
    const kind: RequestKind = isMutating(request.method) ? 'mutating' : 'readOnly';
    if (limits[kind] === 0 || current[kind] < limits[kind]) {
      current[kind] += 1;
      // A response emits 'close' once: after it is sent, or when its connection goes first.
      reply.raw.once('close', () => (current[kind] -= 1));
      return done();
    }
    if (request.user?.groups.includes(PRIVILEGED_GROUP)) return done();
    request.log.info({ requestKind: kind, limit: limits[kind], user: request.user?.name }, 'too many requests in flight');
    reply.header('Retry-After', String(RETRY_AFTER_SECONDS));
    sendStatus(reply, errors.tooManyRequests('Too many requests, please try again later.', RETRY_AFTER_SECONDS).status);
  });
}
