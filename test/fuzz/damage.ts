// Byte-level damage to an encoded body: bits flipped, the end cut off, bytes inserted, removed,
// overwritten with 0xff (a varint or length that never ends) or a chunk repeated.
import type { Dice } from './dice.js';

export function damageBytes(bytes: Buffer, d: Dice): Buffer {
  if (bytes.length === 0) return Buffer.from([d.int(0, 255)]);
  const at = d.int(0, bytes.length - 1);
  switch (d.int(0, 5)) {
    case 0: {
      const out = Buffer.from(bytes);
      for (let flips = d.int(1, 4); flips > 0; flips--) {
        const i = d.int(0, out.length - 1);
        out[i] = out[i]! ^ (1 << d.int(0, 7));
      }
      return out;
    }
    case 1:
      return bytes.subarray(0, at);
    case 2:
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(Array.from({ length: d.int(1, 8) }, () => d.int(0, 255))), bytes.subarray(at)]);
    case 3:
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(Math.min(bytes.length, at + d.int(1, 16)))]);
    case 4: {
      const out = Buffer.from(bytes);
      out.fill(0xff, at, Math.min(out.length, at + d.int(1, 6)));
      return out;
    }
    default: {
      const end = Math.min(bytes.length, at + d.int(1, 32));
      return Buffer.concat([bytes.subarray(0, end), bytes.subarray(at, end), bytes.subarray(end)]);
    }
  }
}
