// The scheduler's own HTTP(S) endpoint: /livez, /readyz and /metrics as every component serves
// them, and GET /debug/explain/NAMESPACE/NAME: the last scheduling attempt of a recent pod. All but
// the health probes need a bearer token the apiserver accepts (pod names and nodes are not public).
import type { FastifyInstance } from 'fastify';
import { buildComponentServer, type ComponentServerOptions } from '../../lib/observe/component-server.js';
import type { ExplanationStore } from './explanations.js';

export interface SchedulerServerOptions extends ComponentServerOptions {
  explanations: ExplanationStore;
}

export async function buildSchedulerServer(options: SchedulerServerOptions): Promise<FastifyInstance> {
  const app = await buildComponentServer(options);
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
