// A fresh in-process apiserver for every test of a file, and JSON requests to it as the admin.
import type { Test } from 'tap';
import { injectServer, type InjectServer } from './inject-server.js';

export type Body = Record<string, unknown>;
export type Send = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: Body) => Promise<{ statusCode: number; body: Body }>;

export function injectEach(t: Test): { server: () => InjectServer; send: Send } {
  let server: InjectServer | undefined;
  t.beforeEach(async () => {
    server = await injectServer();
  });
  t.afterEach(async () => {
    await server?.close();
  });
  const current = (): InjectServer => {
    if (!server) throw new Error('no server outside a test');
    return server;
  };
  const send: Send = async (method, url, payload) => {
    const s = current();
    const r = await s.app.inject({ method, url, headers: s.auth, ...(payload ? { payload } : {}) });
    return { statusCode: r.statusCode, body: r.json() as Body };
  };
  return { server: current, send };
}
