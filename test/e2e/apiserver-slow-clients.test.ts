// Slow and idle clients cannot hold the apiserver: request headers trickling in are cut off at the
// header timeout, connections that never finish the TLS handshake at the handshake timeout, and a
// flood of connections past --max-connections is closed as soon as it is accepted while the
// clients already connected (an authenticated one, a readiness probe) go on being answered. Over
// HTTP/2 a session that opens no stream is closed at the header timeout and a request whose body
// stops coming is reset at the request timeout.
import { connect as connectH2, constants as h2constants } from 'node:http2';
import { Agent, request } from 'node:https';
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { startApiserver, type ApiserverProcess } from '../../lib/launch/apiserver-process.js';
import { until } from '../helpers/until.js';

const HANDSHAKE_TIMEOUT_MS = 2000;
const HEADER_TIMEOUT_MS = 2000;
const REQUEST_TIMEOUT_MS = 3000;
const MAX_CONNECTIONS = 40;
/** Node checks header deadlines on a timer; the apiserver sets it to a quarter of the timeout. */
const SLACK_MS = 1000;

let api: ApiserverProcess;

t.before(async () => {
  api = await startApiserver({
    extraArgs: ['--tls-handshake-timeout', `${HANDSHAKE_TIMEOUT_MS}ms`, '--read-header-timeout', `${HEADER_TIMEOUT_MS}ms`, '--request-timeout', `${REQUEST_TIMEOUT_MS}ms`, '--max-connections', String(MAX_CONNECTIONS)],
  });
});
t.teardown(() => api.stop());

/** A raw TCP connection that records when it was closed (by the server: it never sends a FIN itself). */
function rawConnection(): { socket: Socket; openedAt: number; closedAt(): number | undefined } {
  const socket = connectTcp(api.port, '127.0.0.1');
  const openedAt = Date.now();
  let closedAt: number | undefined;
  socket.on('error', () => undefined);
  socket.on('close', () => (closedAt = Date.now()));
  return { socket, openedAt, closedAt: () => closedAt };
}

function get(agent: Agent, path: string, token?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${api.url}${path}`, { agent, ca: api.caPem, headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

t.test('request headers sent at 1 byte/s are cut off at the header timeout with 408', async (t) => {
  const head = `GET /api/v1/namespaces HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${api.token}\r\nAccept: application/json\r\n\r\n`;
  const socket = connectTls({ host: '127.0.0.1', port: api.port, ca: api.caPem });
  socket.on('error', () => undefined);
  let answer = '';
  socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
  await new Promise((resolve) => socket.once('secureConnect', resolve));
  const startedAt = Date.now();
  let sent = 0;
  const trickle = setInterval(() => {
    if (!socket.destroyed && sent < head.length) socket.write(head[sent++]!);
  }, 1000);
  socket.write(head[sent++]!);
  const closed = await until(() => socket.destroyed || socket.readableEnded, 30_000, 50);
  clearInterval(trickle);
  const elapsed = Date.now() - startedAt;
  t.ok(closed, 'the server closed the connection');
  t.ok(sent < head.length, `the headers were not complete (${sent} of ${head.length} bytes sent)`);
  t.ok(elapsed <= HEADER_TIMEOUT_MS + SLACK_MS, `cut off ${elapsed} ms after the first byte (header timeout ${HEADER_TIMEOUT_MS} ms)`);
  t.match(answer, /^HTTP\/1\.1 408 /, 'answered 408 Request Timeout');
  socket.destroy();
});

t.test('an HTTP/2 connection that opens no stream is closed at the header timeout', async (t) => {
  const session = connectH2(api.url, { ca: api.caPem });
  session.on('error', () => undefined);
  await new Promise((resolve) => session.once('connect', resolve));
  const startedAt = Date.now();
  const closed = await until(() => session.destroyed || session.closed, 30_000, 50);
  const elapsed = Date.now() - startedAt;
  t.ok(closed, 'the server closed the session');
  t.ok(elapsed >= HEADER_TIMEOUT_MS - 100 && elapsed <= HEADER_TIMEOUT_MS + SLACK_MS, `closed ${elapsed} ms after it connected (header timeout ${HEADER_TIMEOUT_MS} ms)`);
  session.destroy();
});

t.test('an HTTP/2 request whose body stops coming is reset at the request timeout; its session goes on', async (t) => {
  const session = connectH2(api.url, { ca: api.caPem });
  t.teardown(() => session.destroy());
  const auth = { authorization: `Bearer ${api.token}`, accept: 'application/json' };
  const stalled = session.request({ ':method': 'POST', ':path': '/api/v1/namespaces/default/configmaps', 'content-type': 'application/json', ...auth });
  stalled.on('error', () => undefined);
  stalled.write('{"apiVersion":"v1","kind":"ConfigMap",');
  const startedAt = Date.now();
  const rstCode = await new Promise<number>((resolve) => stalled.once('close', () => resolve(stalled.rstCode ?? -1)));
  const elapsed = Date.now() - startedAt;
  t.equal(rstCode, h2constants.NGHTTP2_CANCEL, 'the stream was reset with CANCEL');
  t.ok(elapsed >= REQUEST_TIMEOUT_MS - 100 && elapsed <= REQUEST_TIMEOUT_MS + SLACK_MS, `reset ${elapsed} ms after it began (request timeout ${REQUEST_TIMEOUT_MS} ms)`);
  const status = await new Promise<number>((resolve, reject) => {
    const next = session.request({ ':path': '/api/v1/namespaces/default', ...auth });
    next.on('response', (headers) => resolve(Number(headers[':status'])));
    next.on('error', reject);
    next.resume();
  });
  t.equal(status, 200, 'the next request on the session is answered');
});

t.test('connections that never finish the TLS handshake are closed at the handshake timeout', async (t) => {
  // Half never send a byte; half send a TLS record header (a ClientHello is coming) and stall.
  const idle = Array.from({ length: 30 }, (_, i) => {
    const connection = rawConnection();
    if (i % 2 === 1) connection.socket.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00]));
    return connection;
  });
  const allClosed = await until(() => idle.every((c) => c.closedAt() !== undefined), 30_000, 50);
  t.ok(allClosed, 'every stalled connection was closed');
  const slowest = Math.max(...idle.map((c) => (c.closedAt() ?? Date.now()) - c.openedAt));
  t.ok(slowest <= HANDSHAKE_TIMEOUT_MS + SLACK_MS, `the last one ${slowest} ms after it connected (handshake timeout ${HANDSHAKE_TIMEOUT_MS} ms)`);
  for (const c of idle) c.socket.destroy();
});

t.test('past --max-connections new connections are closed at once; connected clients keep working', async (t) => {
  // 1. an authenticated client and a readiness probe, each holding one keep-alive connection
  const client = new Agent({ keepAlive: true, maxSockets: 1 });
  const prober = new Agent({ keepAlive: true, maxSockets: 1 });
  t.teardown(() => {
    client.destroy();
    prober.destroy();
  });
  t.equal(await get(client, '/api/v1/namespaces/default', api.token), 200);
  t.equal(await get(prober, '/readyz'), 200);

  // 2. a flood of 100 connections that never start TLS: those past the cap are closed at once
  const flood = Array.from({ length: 100 }, () => rawConnection());
  await sleep(500);
  const refused = flood.filter((c) => c.closedAt() !== undefined).length;
  t.ok(refused >= flood.length - MAX_CONNECTIONS, `${refused} of ${flood.length} closed within 500 ms (cap ${MAX_CONNECTIONS}, handshake timeout ${HANDSHAKE_TIMEOUT_MS} ms)`);

  // 3. meanwhile the connected clients are answered over their connections
  t.equal(await get(client, '/api/v1/namespaces/default', api.token), 200, 'the authenticated client reads');
  t.equal(await get(prober, '/readyz'), 200, '/readyz answers');

  // 4. the flood's accepted connections go at the handshake timeout; new clients connect again
  t.ok(await until(() => flood.every((c) => c.closedAt() !== undefined), HANDSHAKE_TIMEOUT_MS + 5000, 50), 'the whole flood is gone after the handshake timeout');
  const fresh = new Agent({ keepAlive: false });
  t.equal(await get(fresh, '/readyz'), 200, 'a new connection is served');
  fresh.destroy();
  for (const c of flood) c.socket.destroy();
});
