// Health probes of a component process, for the CLI's supervisor, tests and benchmarks: its
// /readyz or /livez over HTTPS with the cluster CA (or HTTP), a PING for Redis (redis:// URLs), or a CRI
// Version call for a container runtime (cri:///path/to/socket).
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createConnection } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

function pingRedis(url: URL, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: url.hostname, port: Number(url.port || 6379) });
    socket.setTimeout(timeoutMs);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('timeout', () => socket.destroy());
    socket.once('error', () => resolve(false));
    socket.once('close', () => resolve(false));
  });
}

/** Whether the CRI runtime on the socket answers Version (a health path the caller appended is dropped). */
async function criVersion(url: string, timeoutMs: number): Promise<boolean> {
  const socket = url.slice('cri://'.length).replace(/\/(readyz|livez)$/, '');
  // loaded only here: gRPC is not worth loading for the components that speak HTTPS
  const { CriClient } = await import('../cri/client.js');
  let client: InstanceType<typeof CriClient> | undefined;
  try {
    client = new CriClient(socket, { requestTimeoutMs: timeoutMs });
    await client.version();
    return true;
  } catch {
    return false;
  } finally {
    client?.close();
  }
}

export function probe(url: string, caPem: string | undefined, timeoutMs = 2000): Promise<boolean> {
  if (url.startsWith('redis://')) return pingRedis(new URL(url), timeoutMs);
  if (url.startsWith('cri://')) return criVersion(url, timeoutMs);
  return new Promise((resolve) => {
    // a node's proxy serves its health port over plain HTTP, as kube-proxy does
    const request = url.startsWith('http:') ? httpRequest : httpsRequest;
    const req = request(url, { ca: caPem, timeout: timeoutMs, method: 'GET' }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
      res.on('error', () => resolve(false));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** Polls until the URL answers 200 or the deadline passes; `alive` stops early when the process died. */
export async function waitReady(url: string, caPem: string | undefined, timeoutMs: number, alive: () => boolean): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe(url, caPem)) return true;
    if (!alive()) return false;
    await sleep(100);
  }
  return false;
}
