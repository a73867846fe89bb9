// /livez, /readyz and /metrics as every Rudder component serves them. Checks are named so the
// verbose form (?verbose) lists each one like Kubernetes does: "[+]store ok".
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';

export type HealthCheck = () => boolean | Promise<boolean>;

export interface HealthOptions {
  metrics: Registry;
  livez?: Record<string, HealthCheck>;
  readyz?: Record<string, HealthCheck>;
}

async function runChecks(checks: Record<string, HealthCheck>): Promise<{ ok: boolean; lines: string[] }> {
  const lines: string[] = [];
  let ok = true;
  for (const [name, check] of Object.entries(checks)) {
    let passed = false;
    try {
      passed = await check();
    } catch {
      passed = false;
    }
    ok &&= passed;
    lines.push(passed ? `[+]${name} ok` : `[-]${name} failed`);
  }
  return { ok, lines };
}

const HEALTH_PATHS = ['/livez', '/readyz', '/healthz'];

/** /livez, /readyz, /healthz and their single checks (/readyz/ping): open to anyone, never limited. */
export function isHealthProbe(url: string): boolean {
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  return HEALTH_PATHS.some((p) => path === p || path.startsWith(`${p}/`));
}

export async function healthRoutes(app: FastifyInstance, options: HealthOptions): Promise<void> {
  const livez = options.livez ?? {};
  const readyz = options.readyz ?? {};
  // /healthz is kube-apiserver's older endpoint: every check of both.
  for (const [path, checks] of [
    ['/livez', livez],
    ['/readyz', readyz],
    ['/healthz', { ...livez, ...readyz }],
  ] as const) {
    const name = path.slice(1);
    const answer = async (request: FastifyRequest, reply: FastifyReply, selected: Record<string, HealthCheck>): Promise<FastifyReply> => {
      const { ok, lines } = await runChecks(selected);
      const verbose = Object.prototype.hasOwnProperty.call(request.query ?? {}, 'verbose');
      const body = verbose ? `${lines.join('\n')}\n${name} check ${ok ? 'passed' : 'failed'}\n` : ok ? 'ok' : `${lines.filter((l) => l.startsWith('[-]')).join('\n')}\n${name} check failed\n`;
      return reply.code(ok ? 200 : 500).type('text/plain; charset=utf-8').send(body);
    };
    app.get(path, (request, reply) => answer(request, reply, checks));
    // One check by name (/readyz/ping), as Kubernetes serves them; an unknown one is a 404.
    app.get<{ Params: { check: string } }>(`${path}/:check`, async (request, reply) => {
      const check = Object.prototype.hasOwnProperty.call(checks, request.params.check) ? checks[request.params.check] : undefined;
      if (!check) return reply.code(404).type('text/plain; charset=utf-8').send('404 page not found\n');
      return answer(request, reply, { [request.params.check]: check });
    });
  }
  app.get('/metrics', async (_request, reply) => {
    const text = await options.metrics.metrics();
    return reply.type(options.metrics.contentType).send(text);
  });
}
