// A closed-loop load generator: N concurrent clients over one keep-alive HTTPS pool, each sending
// its next request when the previous one is answered. Records every latency. Over HTTP/1.1 each
// client has its own connection; over HTTP/2 they share one, as client-go's do.
import { Pool } from 'undici';
import { Http2Sender } from './http2-sender.js';

export interface LoadTarget {
  url: string;
  caPem: string;
  token?: string;
  /** Every client on one HTTP/2 connection (ALPN h2) instead of an HTTP/1.1 connection each. */
  http2?: boolean;
}

export interface LoadRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body?: string | Buffer;
  contentType?: string;
  /** The Accept header (default application/json). */
  accept?: string;
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
  const client = target.http2 ? new Http2Sender(target.url, target.caPem) : pool(target, clients);
  const send = async (request: LoadRequest): Promise<{ statusCode: number; text: string }> => {
    if (client instanceof Http2Sender) {
      const answer = await client.request(request.method, request.path, headersFor(request), request.body);
      return { statusCode: answer.statusCode, text: answer.body.toString() };
    }
    const res = await client.request({ method: request.method, path: request.path, body: request.body, headers: headersFor(request) });
    return { statusCode: res.statusCode, text: await res.body.text() };
  };
  const latenciesMs: number[] = [];
  let issued = 0;
  let failed = 0;
  let firstError: string | undefined;
  const headersFor = (request: LoadRequest): Record<string, string> => {
    const headers: Record<string, string> = { accept: request.accept ?? 'application/json' };
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
          const res = await send(request);
          const text = res.text;
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
