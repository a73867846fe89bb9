// The client end of a SPDY/3.1 session, as much of it as Kubernetes' streaming protocols use
// (k8s.io/apimachinery's httpstream/spdy over moby/spdystream): streams opened by the client with
// a header block (SYN_STREAM), each answered by the server (SYN_REPLY) before data may flow on it,
// DATA frames both ways, a half-close (FIN) per direction, RST_STREAM, PING echoed, GOAWAY.
// Header blocks go out as zlib stored blocks (one zlib stream per session, each block ended as a
// sync flush ends it, no preset dictionary): valid input for any SPDY/3 reader, which inflates header blocks with zlib and
// uses the dictionary only when the stream's header asks for it. The server's header blocks are
// skipped: nothing in them matters to these protocols.
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';

const VERSION = 3;
/** Control frame types. */
const { SYN_STREAM, SYN_REPLY, RST_STREAM, PING, GOAWAY, HEADERS } = { SYN_STREAM: 1, SYN_REPLY: 2, RST_STREAM: 3, PING: 6, GOAWAY: 7, HEADERS: 8 } as const;
const FLAG_FIN = 0x01;
const REFUSED_STREAM = 3;
const MAX_DATA = 32 * 1024;

export class SpdyStream extends EventEmitter {
  private replied = false;
  private waiting: (() => void)[] = [];
  private remoteEnded = false;
  private localEnded = false;

  constructor(
    readonly id: number,
    private readonly session: SpdyClientSession,
  ) {
    super();
  }

  /** Sends data once the server has accepted the stream. */
  write(data: Buffer): void {
    if (this.localEnded) return;
    this.whenReplied(() => {
      for (let at = 0; at < data.length; at += MAX_DATA) this.session.sendData(this.id, data.subarray(at, at + MAX_DATA), false);
    });
  }

  /** Half-closes the stream: the server reads EOF on it. */
  end(): void {
    if (this.localEnded) return;
    this.localEnded = true;
    this.whenReplied(() => this.session.sendData(this.id, Buffer.alloc(0), true));
  }

  private whenReplied(action: () => void): void {
    if (this.replied) action();
    else this.waiting.push(action);
  }

  /** @internal the server's SYN_REPLY. */
  onReply(): void {
    if (this.replied) return;
    this.replied = true;
    for (const action of this.waiting.splice(0)) action();
  }

  /** @internal DATA from the server. */
  onData(data: Buffer, fin: boolean): void {
    if (data.length > 0) this.emit('data', data);
    if (fin) this.onEnd();
  }

  /** @internal the server half-closed or reset the stream, or the session ended. */
  onEnd(): void {
    if (this.remoteEnded) return;
    this.remoteEnded = true;
    this.emit('end');
  }
}

/** Header block: count, then length-prefixed names and values (SPDY/3 uses 32-bit lengths). */
function headerBlock(headers: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  const u32 = (n: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const entries = Object.entries(headers);
  parts.push(u32(entries.length));
  for (const [name, value] of entries) {
    const n = Buffer.from(name.toLowerCase());
    const v = Buffer.from(value);
    parts.push(u32(n.length), n, u32(v.length), v);
  }
  return Buffer.concat(parts);
}

/** One zlib stream for the session's header blocks, each sent as stored (uncompressed) deflate blocks. */
class StoredZlib {
  private started = false;

  block(data: Buffer): Buffer {
    const parts: Buffer[] = [];
    if (!this.started) {
      this.started = true;
      parts.push(Buffer.from([0x78, 0x01]));
    }
    let at = 0;
    do {
      const chunk = data.subarray(at, at + 0xffff);
      const head = Buffer.alloc(5);
      head[0] = 0x00; // not final, stored
      head.writeUInt16LE(chunk.length, 1);
      head.writeUInt16LE(~chunk.length & 0xffff, 3);
      parts.push(head, chunk);
      at += 0xffff;
    } while (at < data.length);
    // An empty stored block, as a zlib sync flush ends: it makes the reader hand over what it inflated.
    parts.push(Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]));
    return Buffer.concat(parts);
  }
}

function controlFrame(type: number, flags: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16BE(0x8000 | VERSION, 0);
  head.writeUInt16BE(type, 2);
  head.writeUInt32BE(payload.length, 4);
  head[4] = flags;
  return Buffer.concat([head, payload]);
}

export class SpdyClientSession extends EventEmitter {
  private readonly streams = new Map<number, SpdyStream>();
  private readonly zlib = new StoredZlib();
  private nextId = 1;
  private input: Buffer = Buffer.alloc(0);
  private closed = false;

  /** `leftover`: bytes the server sent right after its 101 answer. */
  constructor(
    private readonly socket: Duplex,
    leftover: Buffer = Buffer.alloc(0),
  ) {
    super();
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('close', () => this.finish());
    socket.on('error', () => this.finish());
    if (leftover.length > 0) this.receive(leftover);
    socket.resume();
  }

  createStream(headers: Record<string, string>): SpdyStream {
    const id = this.nextId;
    this.nextId += 2;
    const stream = new SpdyStream(id, this);
    this.streams.set(id, stream);
    const fixed = Buffer.alloc(10);
    fixed.writeUInt32BE(id & 0x7fffffff, 0);
    fixed.writeUInt32BE(0, 4);
    this.write(controlFrame(SYN_STREAM, 0, Buffer.concat([fixed, this.zlib.block(headerBlock(headers))])));
    return stream;
  }

  /** @internal */
  sendData(id: number, data: Buffer, fin: boolean): void {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(id & 0x7fffffff, 0);
    head.writeUInt32BE(data.length, 4);
    head[4] = fin ? FLAG_FIN : 0;
    this.write(Buffer.concat([head, data]));
  }

  close(): void {
    this.socket.destroy();
    this.finish();
  }

  private write(frame: Buffer): void {
    if (!this.closed) this.socket.write(frame);
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    for (const stream of this.streams.values()) stream.onEnd();
    this.emit('close');
  }

  private receive(chunk: Buffer): void {
    this.input = this.input.length === 0 ? chunk : Buffer.concat([this.input, chunk]);
    while (this.input.length >= 8) {
      const length = this.input.readUInt32BE(4) & 0xffffff;
      if (this.input.length < 8 + length) return;
      const frame = this.input.subarray(0, 8 + length);
      this.input = this.input.subarray(8 + length);
      this.handle(frame);
    }
  }

  private handle(frame: Buffer): void {
    const flags = frame[4]!;
    const payload = frame.subarray(8);
    if ((frame[0]! & 0x80) === 0) {
      this.streams.get(frame.readUInt32BE(0) & 0x7fffffff)?.onData(payload, (flags & FLAG_FIN) !== 0);
      return;
    }
    const type = frame.readUInt16BE(2);
    const streamId = payload.length >= 4 ? payload.readUInt32BE(0) & 0x7fffffff : 0;
    switch (type) {
      case SYN_REPLY: {
        const stream = this.streams.get(streamId);
        stream?.onReply();
        if (flags & FLAG_FIN) stream?.onEnd();
        break;
      }
      case HEADERS:
        if (flags & FLAG_FIN) this.streams.get(streamId)?.onEnd();
        break;
      case RST_STREAM:
        this.streams.get(streamId)?.onEnd();
        break;
      case PING:
        // The server's pings have even ids; echo them.
        if (streamId % 2 === 0) this.write(frame);
        break;
      case GOAWAY:
        this.emit('goaway');
        break;
      case SYN_STREAM: {
        // Server-initiated streams are no part of these protocols.
        const rst = Buffer.alloc(8);
        rst.writeUInt32BE(streamId, 0);
        rst.writeUInt32BE(REFUSED_STREAM, 4);
        this.write(controlFrame(RST_STREAM, 0, rst));
        break;
      }
      default:
        // SETTINGS, WINDOW_UPDATE: flow control is not enforced by these peers.
        break;
    }
  }
}
