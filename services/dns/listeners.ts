// DNS over UDP and TCP on one address and port (RFC 1035 §4.2; over TCP each message has a
// two-byte length, and a connection may carry many queries, answered as they complete).
import { createSocket, type Socket } from 'node:dgram';
import { createServer, isIPv6, type Server, type Socket as TcpSocket } from 'node:net';
import type { Logger } from '../../lib/observe/logger.js';
import type { Client, QueryHandler } from './query-handler.js';

/** An idle TCP client is let go after this long (CoreDNS: 10 s). */
const TCP_IDLE_MS = 10_000;

export class DnsListeners {
  private udp: Socket | undefined;
  private tcp: Server | undefined;
  private readonly connections = new Set<TcpSocket>();

  constructor(
    private readonly handler: QueryHandler,
    private readonly log: Logger,
  ) {}

  /** Listens on host:port for both transports (port 0: a free port, the same for both); resolves the port. */
  async listen(host: string, port: number): Promise<number> {
    const family = isIPv6(host) ? 'IPv6' : 'IPv4';
    const udp = createSocket({ type: family === 'IPv6' ? 'udp6' : 'udp4', reuseAddr: false });
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(port, host, () => {
        udp.off('error', reject);
        resolve();
      });
    });
    const bound = udp.address().port;
    udp.on('error', (error) => this.log.warn({ err: error }, 'UDP socket error'));
    udp.on('message', (message, peer) => {
      const client: Client = { tcp: false, family: peer.family === 'IPv6' ? 'IPv6' : 'IPv4' };
      const reply = (response: Buffer | undefined) => {
        if (response) udp.send(response, peer.port, peer.address);
      };
      const answer = this.handler.handle(message, client);
      if (answer instanceof Promise) answer.then(reply, (error: unknown) => this.log.warn({ err: error }, 'query failed'));
      else reply(answer);
    });
    this.udp = udp;
    const tcp = createServer((socket) => this.serveConnection(socket, family));
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(bound, host, () => {
        tcp.off('error', reject);
        resolve();
      });
    });
    this.tcp = tcp;
    return bound;
  }

  private serveConnection(socket: TcpSocket, family: 'IPv4' | 'IPv6'): void {
    this.connections.add(socket);
    socket.setTimeout(TCP_IDLE_MS, () => socket.destroy());
    socket.on('close', () => this.connections.delete(socket));
    socket.on('error', () => socket.destroy());
    const client: Client = { tcp: true, family };
    let buffered: Buffer = Buffer.alloc(0);
    const send = (response: Buffer | undefined) => {
      if (!response || socket.destroyed) return;
      const length = Buffer.alloc(2);
      length.writeUInt16BE(response.length);
      socket.write(Buffer.concat([length, response]));
    };
    socket.on('data', (chunk: Buffer) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        const message = buffered.subarray(2, 2 + buffered.readUInt16BE(0));
        buffered = buffered.subarray(2 + message.length);
        const answer = this.handler.handle(Buffer.from(message), client);
        if (answer instanceof Promise) answer.then(send, (error: unknown) => this.log.warn({ err: error }, 'query failed'));
        else send(answer);
      }
    });
  }

  async close(): Promise<void> {
    for (const socket of this.connections) socket.destroy();
    await Promise.all([
      new Promise<void>((resolve) => (this.udp ? this.udp.close(() => resolve()) : resolve())),
      new Promise<void>((resolve) => (this.tcp ? this.tcp.close(() => resolve()) : resolve())),
    ]);
  }
}
