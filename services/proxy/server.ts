// /healthz and /livez (kube-proxy's port 10256) and /metrics (10249), each on its own address.
import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { healthRoutes } from '../../lib/observe/health.js';

export function parseBindAddress(text: string): { host: string; port: number } {
  const colon = text.lastIndexOf(':');
  const host = text.slice(0, colon).replace(/^\[|\]$/g, '');
  const port = Number(text.slice(colon + 1));
  if (colon < 0 || !Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`expected address:port, not "${text}"`);
  return { host: host || '0.0.0.0', port };
}

export async function buildHealthServer(healthy: () => boolean, metrics: Registry): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  await app.register(healthRoutes, { metrics, livez: { 'proxy-rules-sync': healthy } });
  return app;
}
