// --request-timeout, as kube-apiserver's request deadline and timeout filters: a request that is not
// long-running gets 504 Timeout once it has taken longer than the timeout (or the shorter one a
// client asks for with ?timeout=, as kubectl --request-timeout sends). The handler is not stopped:
// like Kubernetes, the apiserver answers and lets the work finish (a write may still commit), and
// what the handler sends afterwards is dropped.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../../../lib/api/status.js';
import { parseDuration } from '../../../lib/config/duration.js';
import { sendStatus } from './errors.js';
import { isLongRunningRequest } from './request-class.js';

const TIMEOUT_MESSAGE = 'Timeout: request did not complete within requested timeout - context deadline exceeded';

/** The request's deadline in ms: the server's, or the client's ?timeout= when it is shorter (0 or absent: the server's). */
export function requestDeadlineMs(query: Record<string, unknown> | undefined, serverTimeoutMs: number): number {
  const raw = query?.timeout;
  const text = Array.isArray(raw) ? raw[0] : raw;
  if (text === undefined || text === '') return serverTimeoutMs;
  let asked: number;
  try {
    asked = parseDuration(String(text));
  } catch (error) {
    throw errors.badRequest(`invalid timeout specified in the request URL - ${(error as Error).message}`);
  }
  return asked > 0 && asked < serverTimeoutMs ? asked : serverTimeoutMs;
}

function expire(request: FastifyRequest, reply: FastifyReply, deadlineMs: number): void {
  if (reply.sent || reply.raw.headersSent) return;
  request.log.info({ method: request.method, path: request.url.split('?')[0], timeoutMs: deadlineMs }, 'request timed out');
  // Whatever the handler sends or throws later is post-timeout activity; say so in its log lines.
  reply.log = reply.log.child({ postTimeout: true });
  sendStatus(reply, errors.timeout(TIMEOUT_MESSAGE).status);
}

export function installRequestTimeout(app: FastifyInstance, requestTimeoutMs: number): void {
  if (requestTimeoutMs <= 0) return;
  app.addHook('onRequest', (request, reply, done) => {
    if (isLongRunningRequest(request)) return done();
    let deadlineMs: number;
    try {
      deadlineMs = requestDeadlineMs(request.query as Record<string, unknown>, requestTimeoutMs);
    } catch (error) {
      return done(error as Error);
    }
    const timer = setTimeout(() => expire(request, reply, deadlineMs), deadlineMs);
    // A response emits 'close' once: after it is sent, or when its connection goes first.
    reply.raw.once('close', () => clearTimeout(timer));
    done();
  });
}
