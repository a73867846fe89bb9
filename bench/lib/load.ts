// A closed-loop load generator: N concurrent clients over one keep-alive HTTPS pool, each sending
// its next request when the previous one is answered. Records every latency.
import { Pool } from 'undici';

export interface LoadTarget {
  url: string;
  caPem: string;
  token?: string;
}

export interface LoadRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body?: string;
  contentType?: string;
  /** Status codes that count as success. */
  expect: number[];
}

export interface LoadResult {
  completed: number;
  failed: number;
  seconds: number;
  perSecond: number;
  latenciesMs: number[];
  firstError?: string;
}

export function pool(target: LoadTarget, connections: number): Pool {
  return new Pool(target.url, { connections, pipelining: 1, connect: { ca: target.caPem }, keepAliveTimeout: 60_000 });
}

/** Sends `total` requests from `clients` concurrent loops; `next(i)` builds request i. */
export async function runLoad(target: LoadTarget, clients: number, total: number, next: (i: number) => LoadRequest): Promise<LoadResult> {
  const client = pool(target, clients);
  const latenciesMs: number[] = [];
  let issued = 0;
  let failed = 0;
  let firstError: string | undefined;
  const headersFor = (request: LoadRequest): Record<string, string> => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (target.token) headers.authorization = `Bearer ${target.token}`;
    if (request.body !== undefined) headers['content-type'] = request.contentType ?? 'application/json';
    return headers;
  };
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (issued < total) {
        const request = next(issued++);
        const t0 = process.hrtime.bigint();
        try {
          const res = await client.request({ method: request.method, path: request.path, body: request.body, headers: headersFor(request) });
          const text = await res.body.text();
          latenciesMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
          if (!request.expect.includes(res.statusCode)) {
            failed++;
            firstError ??= `${res.statusCode}: ${text.slice(0, 300)}`;
          }
        } catch (error) {
          failed++;
          firstError ??= (error as Error).message;
        }
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await client.close();
  return { completed: latenciesMs.length, failed, seconds, perSecond: (latenciesMs.length - failed) / seconds, latenciesMs, firstError };
}
