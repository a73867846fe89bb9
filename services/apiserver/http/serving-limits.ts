// The apiserver's serving limits, read from its flags, and the connection-level ones applied to its
// HTTPS server so slow or idle clients cannot hold it: a TLS handshake must finish within
// tlsHandshakeTimeout; a request's headers must arrive within headersTimeout of its first byte (or
// of the connection, for a client that sends nothing) — kube-apiserver's ReadHeaderTimeout, 32 s;
// a whole request (headers and body) within the larger of that and the request timeout; an idle
// keep-alive connection is closed after keepAliveTimeout; past maxConnections new connections are
// closed as soon as they are accepted, while the open ones go on. Node checks the header and request
// deadlines on a timer (connectionsCheckingInterval, 30 s by default, which let a slow client stay
// long past its deadline), so it is set here to a quarter of the deadline, at most 1 s.
import type { Server } from 'node:net';
import { Counter, type Registry } from 'prom-client';

export interface ServingLimits {
  tlsHandshakeTimeoutMs: number;
  headersTimeoutMs: number;
  /** --request-timeout: a request that is not long-running is answered 504 after this; none is still being received after it. */
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** Open connections at most (0: no limit). */
  maxConnections: number;
  /** Reads and writes in flight at once (0: no limit); see max-inflight.ts. */
  maxRequestsInflight: number;
  maxMutatingRequestsInflight: number;
  /** --http2-max-streams-per-connection: the streams an HTTP/2 client may have open on one connection. */
  http2MaxStreamsPerConnection: number;
}

/** The HTTP/2 streams per connection when the flag is 0: Go's (and so kube-apiserver's) default. */
export const DEFAULT_HTTP2_MAX_STREAMS = 250;

/** The apiserver's flags that set the limits (durations in ms). */
export interface ServingFlags {
  tlsHandshakeTimeout: number;
  readHeaderTimeout: number;
  requestTimeout: number;
  keepAliveTimeout: number;
  maxConnections: number;
  maxRequestsInflight: number;
  maxMutatingRequestsInflight: number;
  http2MaxStreamsPerConnection: number;
}

/** The limits the flags set; throws an Error naming the flag when one is out of range. */
export function servingLimits(flags: ServingFlags): ServingLimits {
  const positive: [string, number][] = [
    ['--tls-handshake-timeout', flags.tlsHandshakeTimeout],
    ['--read-header-timeout', flags.readHeaderTimeout],
    ['--request-timeout', flags.requestTimeout],
    ['--keep-alive-timeout', flags.keepAliveTimeout],
  ];
  for (const [flag, value] of positive) if (!(value > 0)) throw new Error(`${flag} must be positive`);
  const counts: [string, number][] = [
    ['--max-connections', flags.maxConnections],
    ['--max-requests-inflight', flags.maxRequestsInflight],
    ['--max-mutating-requests-inflight', flags.maxMutatingRequestsInflight],
  ];
  for (const [flag, value] of counts) if (!Number.isInteger(value) || value < 0) throw new Error(`${flag} must be a whole number (0: no limit)`);
  const streams = flags.http2MaxStreamsPerConnection;
  if (!Number.isInteger(streams) || streams < 0) throw new Error(`--http2-max-streams-per-connection must be a whole number (0: the default, ${DEFAULT_HTTP2_MAX_STREAMS})`);
  return {
    tlsHandshakeTimeoutMs: flags.tlsHandshakeTimeout,
    headersTimeoutMs: flags.readHeaderTimeout,
    requestTimeoutMs: flags.requestTimeout,
    keepAliveTimeoutMs: flags.keepAliveTimeout,
    maxConnections: flags.maxConnections,
    maxRequestsInflight: flags.maxRequestsInflight,
    maxMutatingRequestsInflight: flags.maxMutatingRequestsInflight,
    http2MaxStreamsPerConnection: flags.http2MaxStreamsPerConnection || DEFAULT_HTTP2_MAX_STREAMS,
  };
}

/** Deadlines that are late by at most a quarter (and at most one second). */
function checkingIntervalMs(limits: ServingLimits): number {
  return Math.max(50, Math.min(1000, Math.floor(Math.min(limits.headersTimeoutMs, limits.tlsHandshakeTimeoutMs) / 4)));
}

/** Options of Node's https.createServer: the TLS server's and the HTTP server's timeouts. */
export function nodeServerOptions(limits: ServingLimits): Record<string, number> {
  return {
    handshakeTimeout: Math.round(limits.tlsHandshakeTimeoutMs),
    headersTimeout: Math.round(limits.headersTimeoutMs),
    requestTimeout: Math.round(Math.max(limits.requestTimeoutMs, limits.headersTimeoutMs)),
    keepAliveTimeout: Math.round(limits.keepAliveTimeoutMs),
    connectionsCheckingInterval: checkingIntervalMs(limits),
  };
}

/** Fastify sets these on the server after creating it (its defaults would undo the ones above). */
export function fastifyServerTimeouts(limits: ServingLimits): { requestTimeout: number; keepAliveTimeout: number } {
  const node = nodeServerOptions(limits);
  return { requestTimeout: node.requestTimeout as number, keepAliveTimeout: node.keepAliveTimeout as number };
}

/** Caps the open connections; the ones refused are counted. */
export function limitConnections(server: Server, limits: ServingLimits, metrics: Registry): void {
  if (limits.maxConnections === 0) return;
  server.maxConnections = limits.maxConnections;
  const refused = new Counter({
    name: 'apiserver_refused_connections_total',
    help: 'Connections closed as soon as they were accepted because --max-connections were open.',
    registers: [metrics],
  });
  server.on('drop', () => refused.inc());
}
