// Length-prefixed framing: each frame is a 4-byte big-endian length and that many bytes. Kubernetes
// frames protobuf watch events this way, and Rudder frames its msgpack watch events the same way.

export function lengthPrefixed(body: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(4 + body.length);
  frame.writeUInt32BE(body.length, 0);
  frame.set(body, 4);
  return frame;
}

/** Splits a byte stream into frame bodies as chunks arrive; a frame may span chunks. */
export class FrameSplitter {
  private pending: Buffer = Buffer.alloc(0);

  /** The bodies of every frame completed by `chunk`. */
  push(chunk: Buffer): Buffer[] {
    let buffer = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const out: Buffer[] = [];
    while (buffer.length >= 4) {
      const length = buffer.readUInt32BE(0);
      if (buffer.length < 4 + length) break;
      out.push(buffer.subarray(4, 4 + length));
      buffer = buffer.subarray(4 + length);
    }
    // Copied, so a partial frame does not pin the whole chunk it arrived in.
    this.pending = buffer.length === 0 ? Buffer.alloc(0) : Buffer.from(buffer);
    return out;
  }

  /** Bytes of an unfinished frame (non-zero when a stream ended mid-frame). */
  get buffered(): number {
    return this.pending.length;
  }
}
