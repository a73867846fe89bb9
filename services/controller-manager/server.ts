// The controller-manager's own HTTP(S) endpoint: /livez, /readyz and /metrics as every component
// serves them; /metrics needs a bearer token the apiserver accepts, as kube-controller-manager's.
import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Authenticator } from '../../lib/auth/delegating-authenticator.js';
import { requireAuthentication } from '../../lib/auth/require-authentication.js';
import { healthRoutes, type HealthCheck } from '../../lib/observe/health.js';
import type { Logger } from '../../lib/observe/logger.js';

export interface ControllerManagerServerOptions {
  metrics: Registry;
  readyz: Record<string, HealthCheck>;
  authenticator: Authenticator;
  log: Logger;
  https?: { key: Buffer; cert: Buffer };
}

export async function buildControllerManagerServer(options: ControllerManagerServerOptions): Promise<FastifyInstance> {
  const app = (options.https ? Fastify({ https: options.https }) : Fastify()) as unknown as FastifyInstance;
  requireAuthentication(app, { authenticator: options.authenticator, log: options.log });
  await app.register(healthRoutes, { metrics: options.metrics, livez: { ping: () => true }, readyz: options.readyz });
  return app;
}
