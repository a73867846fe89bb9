// HTTP/2 beside HTTP/1.1 on the apiserver's port, chosen by ALPN as kube-apiserver does: client-go
// (kubectl, the scheduler, the controller-manager) multiplexes its requests and watches over one
// HTTP/2 connection; clients that offer only http/1.1 (or no ALPN) get HTTP/1.1.
//
// Node's HTTP/2 server hands HTTP/1.1 connections to its HTTP/1 code with fixed deadlines of its
// own, so the apiserver's are set on it again. An HTTP/2 connection (a session) has its own limits:
// the TLS handshake deadline (the TLS server's), a first stream within the header deadline, every
// request's headers and body within the request deadline (the stream is reset past it), at most
// --http2-max-streams-per-connection streams open at once (SETTINGS_MAX_CONCURRENT_STREAMS), and
// the keep-alive timeout for an idle session. Shutting down sends GOAWAY on every session, so
// clients send their next requests elsewhere, lets the streams still open finish for a grace
// period, and ends the HTTP/1.1 connections as the HTTP/1-only server did.
import { constants, type Http2SecureServer, type SecureServerOptions, type ServerHttp2Session, type ServerHttp2Stream } from 'node:http2';
import type { TLSSocket } from 'node:tls';
import { Counter, type Registry } from 'prom-client';
import { nodeServerOptions, type ServingLimits } from './serving-limits.js';

/** How long streams still open at shutdown (after GOAWAY) may take before their session is destroyed. */
const SHUTDOWN_GRACE_MS = 5000;

/** The options that make Node's HTTP/2 TLS server serve HTTP/1.1 too, within the limits. */
export function http2ServerOptions(limits: ServingLimits | undefined): Pick<SecureServerOptions, 'allowHTTP1' | 'settings'> {
  return { allowHTTP1: true, ...(limits ? { settings: { maxConcurrentStreams: limits.http2MaxStreamsPerConnection } } : {}) };
}

/**
 * The HTTP/1.1 connections' deadlines (the HTTP/2 server's own are fixed at 60 s and 300 s), and a
 * Host header required of HTTP/1.1 requests as https.Server (and kube-apiserver) require it.
 */
export function applyHttp1Options(server: Http2SecureServer, limits: ServingLimits): void {
  const node = nodeServerOptions(limits);
  // Read by Node's HTTP/1 connection code from the server it serves, as on an https.Server;
  // connectionsCheckingInterval is read when the server starts listening.
  Object.assign(server, {
    requireHostHeader: true,
    headersTimeout: node.headersTimeout,
    requestTimeout: node.requestTimeout,
    keepAliveTimeout: node.keepAliveTimeout,
    connectionsCheckingInterval: node.connectionsCheckingInterval,
  });
}

/** A session that opens no stream within the header deadline is closed; a request not received within the request deadline is reset. */
export function limitHttp2Sessions(server: Http2SecureServer, limits: ServingLimits): void {
  const requestDeadlineMs = Math.max(limits.requestTimeoutMs, limits.headersTimeoutMs);
  server.on('session', (session: ServerHttp2Session) => {
    const firstStream = setTimeout(() => session.destroy(), limits.headersTimeoutMs);
    session.once('stream', () => clearTimeout(firstStream));
    session.once('close', () => clearTimeout(firstStream));
  });
  server.on('stream', (stream: ServerHttp2Stream) => {
    // A request without a body (END_STREAM on its HEADERS) has arrived whole.
    if (stream.endAfterHeaders) return;
    const receiving = setTimeout(() => stream.close(constants.NGHTTP2_CANCEL), requestDeadlineMs);
    const received = (): void => clearTimeout(receiving);
    stream.once('end', received);
    stream.once('close', received);
  });
}

/** Counts the connections by the protocol ALPN chose (h2 or http/1.1), so an operator sees what clients speak. */
export function countConnectionsByProtocol(server: Http2SecureServer, metrics: Registry): void {
  const connections = new Counter({
    name: 'apiserver_tls_connections_total',
    help: 'TLS connections accepted, by the protocol chosen by ALPN (h2 or http/1.1).',
    labelNames: ['protocol'],
    registers: [metrics],
  });
  const h2 = connections.labels('h2');
  const http1 = connections.labels('http/1.1');
  server.on('secureConnection', (socket: TLSSocket) => (socket.alpnProtocol === 'h2' ? h2 : http1).inc());
}

/**
 * Tracks the server's connections; the returned function, called as the apiserver stops, sends
 * GOAWAY on every HTTP/2 session and destroys every HTTP/1.1 connection.
 */
export function closeConnectionsOnShutdown(server: Http2SecureServer): () => void {
  const http1 = new Set<TLSSocket>();
  const sessions = new Set<ServerHttp2Session>();
  server.on('secureConnection', (socket: TLSSocket) => {
    if (socket.alpnProtocol === 'h2') return;
    http1.add(socket);
    socket.once('close', () => http1.delete(socket));
  });
  server.on('session', (session: ServerHttp2Session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  return () => {
    for (const socket of http1) socket.destroy();
    for (const session of sessions) {
      // close() sends GOAWAY (NO_ERROR, the last stream it took) and ends the session once its open streams finish.
      session.close();
      setTimeout(() => session.destroy(), SHUTDOWN_GRACE_MS).unref();
    }
  };
}
