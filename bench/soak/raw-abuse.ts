// Clients that misbehave below the API: malformed HTTP (garbage request lines, bad header names,
// broken chunked encoding, a body shorter than its Content-Length, an HTTP/2 preface, bytes that
// are not TLS), slow clients (headers or a body trickling in, a watch that is never read),
// oversized bodies (with and without a Content-Length), and bad tokens. Each is counted by what
// the server did: the status line it answered with, or how the connection ended.
import { randomBytes } from 'node:crypto';
import { connect as connectTcp } from 'node:net';
import { connect as connectTls, type TLSSocket } from 'node:tls';
import type { ReplicaSet } from '../../lib/launch/replica-set.js';
import type { ReplicaClients } from './http.js';
import type { Traffic } from './traffic.js';
import type { Running } from './valid-clients.js';

const CM = '/api/v1/namespaces/default/configmaps';
const LIMIT = 3 * 1024 * 1024;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Sockets still open, so stopping the soak can cut the slow ones short. */
const open = new Set<{ destroy(): void }>();

/**
 * Writes `parts` (numbers are pauses) on a TLS connection and reports how the server answered: its
 * status code, or how the connection ended. An "unread" exchange never reads what comes back.
 */
function exchange(set: ReplicaSet, parts: (Buffer | string | number)[], maxMs: number, mode: 'answer' | 'unread' = 'answer'): Promise<string> {
  const replica = set.replicas[Math.floor(Math.random() * set.replicas.length)]!;
  return new Promise((resolve) => {
    let answer = '';
    let settled = false;
    const socket: TLSSocket = connectTls({ host: '127.0.0.1', port: replica.process.port, ca: set.caPem });
    open.add(socket);
    const finish = (how: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      open.delete(socket);
      socket.destroy();
      const status = /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1];
      resolve(status ?? how);
    };
    const timer = setTimeout(() => finish('client gave up'), maxMs);
    socket.on('error', (error: NodeJS.ErrnoException) => finish(`error:${error.code ?? 'socket'}`));
    socket.on('close', () => finish('closed'));
    if (mode === 'answer') {
      socket.on('data', (chunk: Buffer) => {
        answer += chunk.toString('latin1');
        if (/^HTTP\/1\.1 \d{3}/.test(answer)) finish('answered');
      });
    }
    socket.once('secureConnect', async () => {
      for (const part of parts) {
        if (settled) return;
        if (typeof part === 'number') await sleep(part);
        else socket.write(part);
      }
      if (mode === 'unread') socket.pause();
    });
  });
}

function head(set: ReplicaSet, method: string, path: string, extra: string[] = []): string {
  return [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', `Authorization: Bearer ${set.token}`, ...extra].join('\r\n');
}

/** One slice of character per `everyMs`. */
function trickle(text: string, everyMs: number): (string | number)[] {
  return [...text].flatMap((c) => [c, everyMs]);
}

export function startRawAbuse(set: ReplicaSet, http: ReplicaClients, traffic: Traffic): Running {
  let running = true;
  const record = (klass: string, how: string): void => {
    const status = Number(how);
    traffic.record(klass, Number.isInteger(status) && how.length === 3 ? { kind: 'answer', status, contentType: '', body: Buffer.alloc(0) } : { kind: 'error', error: how.replace(/^error:/, '') });
  };

  const malformed = (): (string | Buffer)[] => {
    const json = '{"metadata":{"name":"x"}}';
    return [
      [`GARBAGE / HTTP/1.1\r\n\r\n`],
      [`GET /api HTTP/9.9\r\nHost: x\r\n\r\n`],
      [`${head(set, 'GET', '/api')}\r\nBad Header Name: x\r\n\r\n`],
      [`${head(set, 'GET', '/api')}\r\nX: ${'a'.repeat(100_000)}\r\n\r\n`],
      [`${head(set, 'POST', CM, ['Content-Type: application/json', 'Transfer-Encoding: chunked'])}\r\n\r\nzz\r\n${json}\r\n0\r\n\r\n`],
      [`${head(set, 'POST', CM, ['Content-Type: application/json', 'Transfer-Encoding: chunked', 'Content-Length: 5'])}\r\n\r\n5\r\nhello\r\n0\r\n\r\n`],
      [`${head(set, 'POST', CM, ['Content-Type: application/json', 'Content-Length: 1000'])}\r\n\r\n${json}`],
      [`${head(set, 'POST', CM, ['Content-Type: application/json', 'Content-Length: -1'])}\r\n\r\n${json}`],
      ['PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', randomBytes(64)],
      [randomBytes(512)],
      [`${head(set, 'GET', `/api/v1/namespaces/${'%'.repeat(50)}`)}\r\n\r\n`],
      [`${head(set, 'GET', '/api')}\r\n\r\n${head(set, 'GET', '/api')}\r\n\r\n\u0000\u0000garbage`],
    ][Math.floor(Math.random() * 12)]!;
  };

  const abuse = async (): Promise<void> => {
    while (running) {
      const roll = Math.random();
      if (roll < 0.35) {
        record('malformed http', await exchange(set, malformed(), 10_000));
      } else if (roll < 0.45) {
        // Not TLS at all.
        const replica = set.replicas[Math.floor(Math.random() * set.replicas.length)]!;
        const how = await new Promise<string>((resolve) => {
          const socket = connectTcp(replica.process.port, '127.0.0.1', () => socket.write(randomBytes(300)));
          const end = (how: string): void => {
            clearTimeout(timer);
            socket.destroy();
            resolve(how);
          };
          const timer = setTimeout(() => end('client gave up'), 10_000);
          socket.on('error', (e: NodeJS.ErrnoException) => end(`error:${e.code ?? 'socket'}`));
          socket.on('close', () => end('closed'));
        });
        record('not tls', how);
      } else if (roll < 0.7) {
        const tokens = ['Bearer nope', 'Bearer ', 'Basic YWRtaW46YWRtaW4=', '', `Bearer ${'t'.repeat(8000)}`, `Bearer ${set.token}x`, 'Bearer \u00ff\u00fe', `bearer ${set.token.toUpperCase()}`];
        const authorization = tokens[Math.floor(Math.random() * tokens.length)]!;
        const outcome = await http.send(http.anyReplica(), { method: Math.random() < 0.5 ? 'GET' : 'POST', path: CM, body: '{"metadata":{"name":"intruder"}}', authorization });
        traffic.record('bad token', outcome);
      } else if (roll < 0.85) {
        if (Math.random() < 0.5) {
          const outcome = await http.send(http.anyReplica(), { method: 'POST', path: CM, body: `{"metadata":{"name":"big"},"data":{"x":"${'x'.repeat(LIMIT)}"}}` });
          traffic.record('oversized body', outcome);
        } else {
          // Chunked, no Content-Length: the limit must hold while the body streams in.
          const chunk = 'x'.repeat(256 * 1024);
          const parts: (string | number)[] = [`${head(set, 'POST', CM, ['Content-Type: application/json', 'Transfer-Encoding: chunked'])}\r\n\r\n`];
          for (let i = 0; i < 16; i++) parts.push(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
          parts.push('0\r\n\r\n');
          record('oversized chunked body', await exchange(set, parts, 20_000));
        }
      } else {
        // Slow clients run beside the loop, a few at a time.
        if (slow < 6) void slowClient();
      }
      await sleep(100);
    }
  };

  let slow = 0;
  const slowClient = async (): Promise<void> => {
    slow++;
    try {
      const kind = Math.floor(Math.random() * 3);
      if (kind === 0) {
        record('slow headers', await exchange(set, trickle(`${head(set, 'GET', '/api/v1/namespaces')}\r\n\r\n`, 500), 60_000));
      } else if (kind === 1) {
        const parts: (string | number)[] = [`${head(set, 'POST', CM, ['Content-Type: application/json', 'Content-Length: 100000'])}\r\n\r\n`];
        for (let i = 0; i < 60; i++) parts.push('{"a":1}'.slice(0, 1), 1000);
        record('slow body', await exchange(set, parts, 90_000));
      } else {
        // A watch whose client never reads: the server's buffer limit, not the client, ends it.
        record('unread watch', await exchange(set, [`${head(set, 'GET', '/api/v1/namespaces/soak/configmaps?watch=1&timeoutSeconds=60')}\r\n\r\n`], 70_000, 'unread'));
      }
    } finally {
      slow--;
    }
  };

  const done = abuse();
  return {
    async stop() {
      running = false;
      for (const socket of open) socket.destroy();
      await done;
    },
  };
}
