// The REST client components use: CRUD in JSON and in msgpack against the real apiserver,
// failures as Kubernetes Status errors, retries on 429/5xx/lost connections only where they are
// safe, and the client-side qps/burst limit.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import t from 'tap';
import type { ConfigMap } from 'kubernetes-types/core/v1.js';
import { findResource } from '../lib/api/resources.js';
import { StatusError } from '../lib/api/status.js';
import { RestClient } from '../lib/client/rest-client.js';
import { freePort } from '../lib/process/ports.js';
import { listeningServer } from './helpers/listening-server.js';

const CONFIGMAPS = findResource('', 'v1', 'configmaps')!;
const FAST = { initialMs: 10, maxMs: 50, jitter: 0 };

for (const encoding of ['json', 'msgpack'] as const) {
  t.test(`create, get, list, update, patch and delete in ${encoding}`, async (t) => {
    const server = await listeningServer();
    t.teardown(() => server.close());
    const client = server.client({ encoding });
    const created = await client.create<ConfigMap>(CONFIGMAPS, { metadata: { name: 'cfg', namespace: 'default' }, data: { a: '1' } } as ConfigMap);
    t.equal(created.metadata?.name, 'cfg');
    t.match(created.metadata?.resourceVersion, /^\d+$/);

    const got = await client.get<ConfigMap>(CONFIGMAPS, { namespace: 'default', name: 'cfg' });
    t.same(got, created);
    const list = await client.list<ConfigMap>(CONFIGMAPS, { namespace: 'default' });
    t.same(list.items.map((i) => i.metadata?.name), ['cfg']);

    const updated = await client.update<ConfigMap>(CONFIGMAPS, { ...got, data: { a: '2' } });
    t.same(updated.data, { a: '2' });
    const stale = await client.update(CONFIGMAPS, { ...got, data: { a: '3' } }).catch((e: unknown) => e);
    t.ok(stale instanceof StatusError && stale.code === 409 && stale.reason === 'Conflict', 'a stale update is a 409 Conflict');

    const patched = await client.patch<ConfigMap>(CONFIGMAPS, { namespace: 'default', name: 'cfg' }, { data: { b: 'x' } });
    t.same(patched.data, { a: '2', b: 'x' });
    await client.delete(CONFIGMAPS, { namespace: 'default', name: 'cfg' });
    const missing = await client.get(CONFIGMAPS, { namespace: 'default', name: 'cfg' }).catch((e: unknown) => e);
    t.ok(missing instanceof StatusError, 'not found is a StatusError');
    t.match((missing as StatusError).status, { code: 404, reason: 'NotFound', message: 'configmaps "cfg" not found' });
  });
}

t.test('listAll reads every page at one resourceVersion', async (t) => {
  const server = await listeningServer();
  t.teardown(() => server.close());
  const client = server.client({ encoding: 'msgpack', qps: 0 });
  await Promise.all(Array.from({ length: 25 }, (_, i) => client.create(CONFIGMAPS, { metadata: { name: `c${i}`, namespace: 'default' } })));
  const list = await client.listAll(CONFIGMAPS, { namespace: 'default', pageSize: 10 });
  t.equal(list.items.length, 25);
  t.equal(list.metadata.continue, undefined);
});

/** A server that answers requests from a script, one step per request. */
async function scripted(steps: ((req: IncomingMessage, res: ServerResponse) => void)[], port?: number): Promise<{ server: Server; url: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    req.resume();
    const step = steps[Math.min(requests.length - 1, steps.length - 1)]!;
    step(req, res);
  });
  await new Promise<void>((resolve) => server.listen(port ?? 0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, requests };
}

const status = (code: number, headers: Record<string, string> = {}) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(code, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code, reason: code === 429 ? 'TooManyRequests' : 'InternalError', message: `answer ${code}` }));
};
const ok = (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'x' } }));
};
const hangUp = (req: IncomingMessage) => req.socket.destroy();

t.test('reads retry 429, 5xx and lost connections, honouring Retry-After', async (t) => {
  const { server, url, requests } = await scripted([status(503, { 'retry-after': '0' }), status(429, { 'retry-after': '0' }), status(500), hangUp, ok]);
  t.teardown(() => server.close());
  const client = new RestClient({ server: url, backoff: FAST });
  t.teardown(() => client.close());
  const got = await client.get(CONFIGMAPS, { namespace: 'default', name: 'x' });
  t.equal(got.metadata?.name, 'x');
  t.equal(requests.length, 5);
});

t.test('writes retry only what the server did not process', async (t) => {
  const { server, url, requests } = await scripted([status(429, { 'retry-after': '0' }), status(500)]);
  t.teardown(() => server.close());
  const client = new RestClient({ server: url, backoff: FAST });
  t.teardown(() => client.close());
  const error = await client.create(CONFIGMAPS, { metadata: { name: 'x', namespace: 'default' } }).catch((e: unknown) => e);
  t.ok(error instanceof StatusError && error.code === 500, 'the 500 comes back');
  t.same(requests, ['POST /api/v1/namespaces/default/configmaps', 'POST /api/v1/namespaces/default/configmaps'], 'the 429 was retried, the 500 was not');

  const { server: dropping, url: droppingUrl, requests: dropped } = await scripted([hangUp, ok]);
  t.teardown(() => dropping.close());
  const client2 = new RestClient({ server: droppingUrl, backoff: FAST });
  t.teardown(() => client2.close());
  await t.rejects(client2.create(CONFIGMAPS, { metadata: { name: 'x', namespace: 'default' } }), 'a POST cut off mid-flight is not resent');
  t.equal(dropped.length, 1);
});

t.test('a refused connection is retried until the server is up; retries are bounded', async (t) => {
  const port = await freePort();
  const client = new RestClient({ server: `http://127.0.0.1:${port}`, backoff: { initialMs: 50, maxMs: 100, jitter: 0 } });
  t.teardown(() => client.close());
  const pending = client.create(CONFIGMAPS, { metadata: { name: 'x', namespace: 'default' } });
  await new Promise((resolve) => setTimeout(resolve, 200));
  const { server } = await scripted([ok], port);
  t.teardown(() => server.close());
  t.equal((await pending).metadata?.name, 'x', 'the create went through once the server listened');

  const { server: busy, url } = await scripted([status(503)]);
  t.teardown(() => busy.close());
  const limited = new RestClient({ server: url, backoff: FAST, maxRetries: 2 });
  t.teardown(() => limited.close());
  const error = await limited.get(CONFIGMAPS, { name: 'x', namespace: 'default' }).catch((e: unknown) => e);
  t.ok(error instanceof StatusError && error.code === 503, 'after maxRetries the last answer is the error');
});

t.test('the client-side rate limit spaces requests at qps after the burst', async (t) => {
  const { server, url } = await scripted([ok]);
  t.teardown(() => server.close());
  const limited = new RestClient({ server: url, qps: 20, burst: 2 });
  const unlimited = new RestClient({ server: url, qps: 0 });
  t.teardown(() => Promise.all([limited.close(), unlimited.close()]));
  const time = async (client: RestClient): Promise<number> => {
    const start = performance.now();
    await Promise.all(Array.from({ length: 8 }, () => client.get(CONFIGMAPS, { name: 'x', namespace: 'default' })));
    return performance.now() - start;
  };
  const slow = await time(limited);
  const fast = await time(unlimited);
  t.ok(slow >= 280, `8 requests at 20 qps with a burst of 2 took ${Math.round(slow)} ms (≥ 300 expected)`);
  t.ok(fast < slow, `unlimited took ${Math.round(fast)} ms`);
});
