// /livez, /readyz and /metrics of the DNS server (CoreDNS's health, ready and prometheus plugins), on one plain-HTTP port.
import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { healthRoutes, type HealthCheck } from '../../lib/observe/health.js';

export async function buildDnsHealthServer(metrics: Registry, readyz: Record<string, HealthCheck>): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  await app.register(healthRoutes, { metrics, livez: { ping: () => true }, readyz });
  return app;
}
