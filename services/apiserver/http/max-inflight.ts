// --max-requests-inflight and --max-mutating-requests-inflight, as kube-apiserver's maxinflight
// filter (the one before API Priority and Fairness): reads and writes each have a number of slots;
// a request that finds its kind's slots taken gets 429 TooManyRequests with Retry-After: 1, except
// from system:masters, which is always answered (without a slot). Long-running requests (watches)
// and health probes take no slot. A slot is held from the request's headers to its response's end.
// apiserver_current_inflight_requests shows the slots in use.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Gauge, type Registry } from 'prom-client';
import { errors } from '../../../lib/api/status.js';
import { isHealthProbe } from '../../../lib/observe/health.js';
import { sendStatus } from './errors.js';
import { isLongRunning, isMutating } from './request-class.js';

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

/** Calls `release` once, when the response ends or its connection closes, whichever comes first. */
function onResponseEnd(reply: FastifyReply, release: () => void): void {
  let released = false;
  const once = (): void => {
    if (released) return;
    released = true;
    release();
  };
  reply.raw.once('finish', once);
  reply.raw.once('close', once);
}

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

  app.addHook('onRequest', async (request, reply) => {
    if (isHealthProbe(request.url) || isLongRunning(request.method, request.url, request.query as Record<string, unknown>)) return;
    const kind: RequestKind = isMutating(request.method) ? 'mutating' : 'readOnly';
    if (limits[kind] === 0 || current[kind] < limits[kind]) {
      current[kind] += 1;
      onResponseEnd(reply, () => (current[kind] -= 1));
      return;
    }
    if (request.user?.groups.includes(PRIVILEGED_GROUP)) return;
    request.log.info({ requestKind: kind, limit: limits[kind], user: request.user?.name }, 'too many requests in flight');
    reply.header('Retry-After', String(RETRY_AFTER_SECONDS));
    return sendStatus(reply, errors.tooManyRequests('Too many requests, please try again later.', RETRY_AFTER_SECONDS).status);
  });
}
