// /healthz and /livez (kube-proxy's port 10256) and /metrics (10249), each on its own address.
import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { healthRoutes } from '../../lib/observe/health.js';

export { parseBindAddress } from '../../lib/config/bind-address.js';

export async function buildHealthServer(healthy: () => boolean, metrics: Registry): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  await app.register(healthRoutes, { metrics, livez: { 'proxy-rules-sync': healthy } });
  return app;
}
