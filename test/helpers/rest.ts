// A minimal HTTPS client for tests that talk to the apiserver directly (another client beside
// kubectl), trusting the cluster CA and sending the bearer token.
import { request } from 'node:https';

export interface RestResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

export interface RestTarget {
  url: string;
  caPem: string;
  token?: string;
  /** A client certificate and key to present instead of (or beside) the token. */
  certPem?: string;
  keyPem?: string;
}

export function rest(
  target: RestTarget,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<RestResponse> {
  const payload = body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  const allHeaders: Record<string, string> = { accept: 'application/json', ...headers };
  if (target.token !== undefined && allHeaders.authorization === undefined) allHeaders.authorization = `Bearer ${target.token}`;
  if (payload !== undefined && allHeaders['content-type'] === undefined) allHeaders['content-type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const req = request(`${target.url}${path}`, { method, ca: target.caPem, cert: target.certPem, key: target.keyPem, headers: allHeaders }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text,
          json: <T>() => JSON.parse(text) as T,
        });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}
