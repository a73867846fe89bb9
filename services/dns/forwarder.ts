// Sends a query on to the upstream resolvers and brings back their answer: over UDP with a
// message ID of its own (so concurrent clients' IDs never collide), over TCP when the client asked
// over TCP (so a large answer is not truncated on the way), the next upstream on a timeout.
import { createSocket, type Socket } from 'node:dgram';
import { connect } from 'node:net';
import { isIPv6 } from 'node:net';
import type { Upstream } from './upstreams.js';

export interface ForwardResult {
  response: Buffer;
  upstream: Upstream;
}

interface Pending {
  resolve: (response: Buffer) => void;
  timer: NodeJS.Timeout;
}

export class Forwarder {
  private readonly sockets = new Map<'udp4' | 'udp6', Socket>();
  private readonly pending = new Map<number, Pending>();
  private nextId = Math.floor(Math.random() * 65536);

  constructor(
    readonly upstreams: readonly Upstream[],
    private readonly timeoutMs = 2000,
  ) {}

  private socket(family: 'udp4' | 'udp6'): Socket {
    let socket = this.sockets.get(family);
    if (!socket) {
      socket = createSocket(family);
      socket.on('message', (message) => {
        if (message.length < 12) return;
        const waiting = this.pending.get(message.readUInt16BE(0));
        if (!waiting) return;
        this.pending.delete(message.readUInt16BE(0));
        clearTimeout(waiting.timer);
        waiting.resolve(message);
      });
      socket.on('error', () => undefined);
      socket.unref();
      this.sockets.set(family, socket);
    }
    return socket;
  }

  private freeId(): number {
    for (let i = 0; i < 65536; i++) {
      this.nextId = (this.nextId + 1) & 0xffff;
      if (!this.pending.has(this.nextId)) return this.nextId;
    }
    throw new Error('every message ID is in flight');
  }

  private udp(query: Buffer, upstream: Upstream): Promise<Buffer | undefined> {
    const id = this.freeId();
    const copy = Buffer.from(query);
    copy.writeUInt16BE(id, 0);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve(undefined);
      }, this.timeoutMs);
      this.pending.set(id, { resolve, timer });
      this.socket(isIPv6(upstream.host) ? 'udp6' : 'udp4').send(copy, upstream.port, upstream.host);
    });
  }

  private tcp(query: Buffer, upstream: Upstream): Promise<Buffer | undefined> {
    return new Promise((resolve) => {
      const socket = connect({ host: upstream.host, port: upstream.port });
      let received = Buffer.alloc(0);
      const done = (response: Buffer | undefined) => {
        socket.destroy();
        resolve(response);
      };
      socket.setTimeout(this.timeoutMs, () => done(undefined));
      socket.on('error', () => done(undefined));
      socket.on('connect', () => {
        const length = Buffer.alloc(2);
        length.writeUInt16BE(query.length);
        socket.write(Buffer.concat([length, query]));
      });
      socket.on('data', (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
        if (received.length >= 2 && received.length >= 2 + received.readUInt16BE(0)) done(received.subarray(2, 2 + received.readUInt16BE(0)));
      });
      socket.on('end', () => done(undefined));
    });
  }

  /** The first upstream's answer (the client's message ID restored), or undefined when none answered. */
  async forward(query: Buffer, tcp: boolean): Promise<ForwardResult | undefined> {
    for (const upstream of this.upstreams) {
      const response = tcp ? await this.tcp(query, upstream) : await this.udp(query, upstream);
      if (!response) continue;
      const answer = Buffer.from(response);
      answer.writeUInt16BE(query.readUInt16BE(0), 0);
      return { response: answer, upstream };
    }
    return undefined;
  }

  close(): void {
    for (const waiting of this.pending.values()) clearTimeout(waiting.timer);
    for (const socket of this.sockets.values()) socket.close();
    this.sockets.clear();
  }
}
