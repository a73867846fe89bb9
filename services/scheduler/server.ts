// The scheduler's own HTTP(S) endpoint: /livez, /readyz and /metrics as every component serves
// them, and GET /debug/explain/NAMESPACE/NAME: the last scheduling attempt of a recent pod. All but
// the health probes need a bearer token the apiserver accepts (pod names and nodes are not public).
import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Authenticator } from '../../lib/auth/delegating-authenticator.js';
import { requireAuthentication } from '../../lib/auth/require-authentication.js';
import type { Logger } from '../../lib/observe/logger.js';
import { healthRoutes, type HealthCheck } from '../../lib/observe/health.js';
import type { ExplanationStore } from './explanations.js';

export interface SchedulerServerOptions {
  metrics: Registry;
  explanations: ExplanationStore;
  readyz: Record<string, HealthCheck>;
  /** Checks callers' bearer tokens (a DelegatingAuthenticator asking the apiserver). */
  authenticator: Authenticator;
  log: Logger;
  https?: { key: Buffer; cert: Buffer };
}

export async function buildSchedulerServer(options: SchedulerServerOptions): Promise<FastifyInstance> {
  const app = (options.https ? Fastify({ https: options.https }) : Fastify()) as unknown as FastifyInstance;
  requireAuthentication(app, { authenticator: options.authenticator, log: options.log });
  await app.register(healthRoutes, { metrics: options.metrics, livez: { ping: () => true }, readyz: options.readyz });
  app.get<{ Params: { namespace: string; name: string } }>(
    '/debug/explain/:namespace/:name',
    {
      schema: {
        params: {
          type: 'object',
          properties: { namespace: { type: 'string', minLength: 1 }, name: { type: 'string', minLength: 1 } },
          required: ['namespace', 'name'],
        },
      },
    },
    async (request, reply) => {
      const { namespace, name } = request.params;
      const explanation = options.explanations.get(`${namespace}/${name}`);
      if (!explanation) {
        return reply.code(404).send({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: `no recent scheduling attempt of pod ${namespace}/${name}` });
      }
      return explanation;
    },
  );
  return app;
}
