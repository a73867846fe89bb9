// WebSocket clients of exec, attach and port-forward, toward a kubelet that speaks SPDY, as
// kube-apiserver's StreamTranslator and port-forward tunnel do it:
// - exec/attach over v5.channel.k8s.io: each binary message is a channel byte and data (0 stdin,
//   1 stdout, 2 stderr, 3 error, 4 resize; 255 + a channel closes that channel, the way stdin
//   reaches EOF). The kubelet gets a SPDY session with the v4.channel.k8s.io streams (error,
//   stdin, stdout, stderr, resize), and the two are translated both ways.
// - port-forward over SPDY/3.1+portforward.k8s.io: the messages carry SPDY bytes, passed to the
//   kubelet's portforward.k8s.io SPDY upgrade untouched.
import type { TLSSocket } from 'node:tls';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { failure } from '../../../lib/api/status.js';
import { SpdyClientSession, type SpdyStream } from '../../../lib/http/spdy-client.js';
import { requestUpgrade } from '../../../lib/http/upgrade-handshake.js';
import { takeUpgrade } from '../../../lib/http/upgrade-routing.js';

export const EXEC_WEBSOCKET_PROTOCOL = 'v5.channel.k8s.io';
export const PORT_FORWARD_WEBSOCKET_PROTOCOL = 'SPDY/3.1+portforward.k8s.io';

const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const ERROR = 3;
const RESIZE = 4;
const CLOSE = 255;

export interface StreamChannels {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** The WebSocket subprotocols a request offers. */
export function offeredProtocols(request: FastifyRequest): string[] {
  const header = request.headers['sec-websocket-protocol'];
  return (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((p) => p.trim()).filter((p) => p !== '');
}

export function isWebSocketUpgrade(request: FastifyRequest): boolean {
  return String(request.headers.upgrade ?? '').toLowerCase() === 'websocket';
}

function asBuffer(data: RawData): Buffer {
  return Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}

const servers = new Map<string, WebSocketServer>();

/**
 * `ws` takes only RFC 6455 tokens as subprotocols, and kubectl's tunnel protocol holds a '/': the
 * request offers it under a token of its own, and the answer names it as kubectl spelled it.
 */
function asToken(protocol: string): string {
  return protocol.replace(/[^!#$%&'*+\-.^_`|~0-9A-Za-z]/g, '-');
}

function webSocketServer(protocol: string): WebSocketServer {
  let server = servers.get(protocol);
  if (!server) {
    server = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 16 * 1024 * 1024, handleProtocols: (offered) => (offered.has(asToken(protocol)) ? protocol : false) });
    servers.set(protocol, server);
  }
  return server;
}

/**
 * Opens the SPDY upgrade to the kubelet (`path`, protocol `streamProtocol`); an answer other
 * than 101 is passed on to the client as a Status. Then accepts the client's WebSocket.
 */
async function connect(request: FastifyRequest, reply: FastifyReply, backend: TLSSocket, host: string, path: string, streamProtocol: string, wsProtocol: string): Promise<{ ws: WebSocket; leftover: Buffer }> {
  const head = `POST ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${streamProtocol}\r\nContent-Length: 0\r\n\r\n`;
  const answer = await requestUpgrade(backend, head);
  if (answer.status !== 101) {
    backend.destroy();
    const body = answer.leftover.toString('utf8');
    let message = body.trim() || `the kubelet answered ${answer.status}`;
    try {
      message = (JSON.parse(body) as { message?: string }).message ?? message;
    } catch {
      // plain text
    }
    throw failure(answer.status >= 400 && answer.status < 600 ? answer.status : 502, answer.status === 404 ? 'NotFound' : answer.status === 400 ? 'BadRequest' : 'InternalError', message);
  }
  const upgrade = takeUpgrade(request);
  if (!upgrade) {
    backend.destroy();
    throw failure(400, 'BadRequest', 'Upgrade request required');
  }
  reply.hijack();
  request.raw.headers['sec-websocket-protocol'] = offeredProtocols(request).map(asToken).join(', ');
  const ws = await new Promise<WebSocket>((resolve) => webSocketServer(wsProtocol).handleUpgrade(request.raw, upgrade.socket, upgrade.head, resolve));
  return { ws, leftover: answer.leftover };
}

/** exec or attach for a v5.channel.k8s.io client, through a v4.channel.k8s.io SPDY session to the kubelet. */
export async function translateExec(request: FastifyRequest, reply: FastifyReply, backend: TLSSocket, host: string, path: string, channels: StreamChannels): Promise<void> {
  const { ws, leftover } = await connect(request, reply, backend, host, path, 'v4.channel.k8s.io', EXEC_WEBSOCKET_PROTOCOL);
  const session = new SpdyClientSession(backend, leftover);
  const open = (type: string): SpdyStream => session.createStream({ streamtype: type });
  const toClient = (channel: number) => (data: Buffer) => {
    if (ws.readyState === 1) ws.send(Buffer.concat([Buffer.from([channel]), data]), { binary: true });
  };
  // The streams in the order kubectl opens them; the kubelet waits until all it expects exist.
  const error = open('error');
  const stdin = channels.stdin ? open('stdin') : undefined;
  const stdout = channels.stdout ? open('stdout') : undefined;
  const stderr = channels.stderr && !channels.tty ? open('stderr') : undefined;
  const resize = channels.tty ? open('resize') : undefined;
  error.on('data', toClient(ERROR));
  stdout?.on('data', toClient(STDOUT));
  stderr?.on('data', toClient(STDERR));
  // An empty message on the lowest channel the client reads tells it the streams are ready.
  toClient(stdout ? STDOUT : stderr ? STDERR : ERROR)(Buffer.alloc(0));

  const outputs = [error, stdout, stderr].filter((s): s is SpdyStream => s !== undefined);
  let unfinished = outputs.length;
  const finished = (): void => {
    if (--unfinished > 0) return;
    ws.close(1000);
    session.close();
  };
  for (const stream of outputs) stream.once('end', finished);
  session.on('close', () => {
    if (ws.readyState === 1) ws.close(1000);
  });

  ws.on('message', (raw) => {
    const data = asBuffer(raw);
    if (data.length === 0) return;
    const payload = data.subarray(1);
    switch (data[0]) {
      case STDIN:
        stdin?.write(payload);
        break;
      case RESIZE:
        resize?.write(payload);
        break;
      case CLOSE:
        if (payload[0] === STDIN) stdin?.end();
        break;
      default:
        break;
    }
  });
  ws.on('close', () => session.close());
  ws.on('error', () => session.close());
}

/** port-forward for a SPDY/3.1+portforward.k8s.io client: its SPDY bytes tunnelled to the kubelet's SPDY upgrade. */
export async function tunnelPortForward(request: FastifyRequest, reply: FastifyReply, backend: TLSSocket, host: string, path: string): Promise<void> {
  const { ws, leftover } = await connect(request, reply, backend, host, path, 'portforward.k8s.io', PORT_FORWARD_WEBSOCKET_PROTOCOL);
  if (leftover.length > 0) ws.send(leftover, { binary: true });
  backend.on('data', (chunk: Buffer) => {
    if (ws.readyState === 1) ws.send(chunk, { binary: true });
  });
  backend.resume();
  backend.on('close', () => ws.close(1000));
  backend.on('error', () => ws.terminate());
  ws.on('message', (raw) => backend.write(asBuffer(raw)));
  ws.on('close', () => backend.destroy());
  ws.on('error', () => backend.destroy());
}
