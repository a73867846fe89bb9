// Rudder's own wire format: the same objects as the JSON API, as MessagePack. Rudder components
// ask for it with Accept/Content-Type; everyone else keeps JSON. Watch streams frame each event
// with a 4-byte big-endian length, like Kubernetes' protobuf watch framing.
import { Packr, Unpackr } from 'msgpackr';
import { FrameSplitter, lengthPrefixed } from './frames.js';

export const MSGPACK_MEDIA_TYPE = 'application/vnd.rudder.msgpack';
/** Content type of a msgpack watch response: a sequence of length-prefixed frames. */
export const MSGPACK_WATCH_MEDIA_TYPE = `${MSGPACK_MEDIA_TYPE};stream=watch`;

// Plain msgpack maps (no msgpackr record extension), so any msgpack reader can decode the bytes;
// undefined properties are left out, as JSON.stringify leaves them out.
const packr = new Packr({ useRecords: false, skipValues: [undefined] } as ConstructorParameters<typeof Packr>[0]);
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });

export function encodeMsgpack(value: unknown): Buffer {
  return packr.pack(value);
}

export function decodeMsgpack<T = unknown>(buffer: Uint8Array): T {
  return unpackr.unpack(buffer) as T;
}

/** One length-prefixed frame holding `value`. */
export function encodeFrame(value: unknown): Buffer {
  return lengthPrefixed(packr.pack(value));
}

/** Splits a byte stream into msgpack frames as chunks arrive; a frame may span chunks. */
export class FrameDecoder<T = unknown> {
  private readonly frames = new FrameSplitter();

  /** Decodes every frame completed by `chunk`. */
  push(chunk: Buffer): T[] {
    return this.frames.push(chunk).map((body) => unpackr.unpack(body) as T);
  }

  /** Bytes of an unfinished frame (non-zero when a stream ended mid-frame). */
  get buffered(): number {
    return this.frames.buffered;
  }
}
