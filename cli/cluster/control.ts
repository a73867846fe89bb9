// Asks the running supervisor (over its control socket) to start or stop a component.
import { request } from 'node:http';
import type { ComponentSpec } from './components.js';
import { controlSocket } from './supervisor.js';

function send(dataDir: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request({ socketPath: controlSocket(dataDir), method, path, headers: payload ? { 'content-type': 'application/json' } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

/** Starts a component; resolves whether it became ready. */
export async function startComponent(dataDir: string, spec: ComponentSpec): Promise<boolean> {
  const res = await send(dataDir, 'POST', '/components', spec);
  if (res.status === 400) throw new Error(JSON.parse(res.body).error as string);
  return res.status === 201;
}

export async function stopComponent(dataDir: string, name: string): Promise<boolean> {
  return (await send(dataDir, 'DELETE', `/components/${encodeURIComponent(name)}`)).status === 200;
}
