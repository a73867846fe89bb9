// Writes any value as msgpack: through msgpackr in each of its configurations (plain maps,
// records, moreTypes with its extension types for Set, Map, Error and typed arrays, structured
// clone with references, BigInt extensions, bundled strings, 32-bit timestamps), or through a
// hand-written encoder that picks odd but legal widths, non-string map keys, invalid UTF-8,
// invalid timestamps, unknown extension types and headers that promise more than follows; or
// random bytes.
import { Packr } from 'msgpackr';
import { damageBytes } from './damage.js';
import type { Dice } from './dice.js';

type PackrOptions = ConstructorParameters<typeof Packr>[0];
const PACKERS: Packr[] = (
  [
    { useRecords: false },
    { useRecords: false, moreTypes: true },
    { structuredClone: true },
    { useRecords: true },
    { useRecords: false, useBigIntExtension: true, moreTypes: true },
    { useRecords: false, largeBigIntToString: true, variableMapSize: true },
    { useRecords: false, largeBigIntToFloat: true, useTimestamp32: true },
    { useRecords: false, bundleStrings: true },
  ] as PackrOptions[]
).map((options) => new Packr(options));

class RawWriter {
  private readonly parts: Buffer[] = [];

  constructor(private readonly d: Dice) {}

  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }

  private put(...bytes: number[]): void {
    this.parts.push(Buffer.from(bytes));
  }

  private buffer(buffer: Buffer): void {
    this.parts.push(buffer);
  }

  private uint(value: number, width: 1 | 2 | 4): number[] {
    const b = Buffer.alloc(width);
    if (width === 1) b.writeUInt8(value);
    else if (width === 2) b.writeUInt16BE(value);
    else b.writeUInt32BE(value);
    return [...b];
  }

  /** A header of `count` for fix/16/32 forms (codes: fix base, 16-bit code, 32-bit code). */
  private header(count: number, fix: number | undefined, fixMax: number, code8: number | undefined, code16: number, code32: number): void {
    const d = this.d;
    if (fix !== undefined && count <= fixMax && d.chance(0.7)) return this.put(fix | count);
    if (code8 !== undefined && count <= 0xff && d.chance(0.5)) return this.put(code8, count);
    if (count <= 0xffff && d.chance(0.6)) return this.put(code16, ...this.uint(count, 2));
    this.put(code32, ...this.uint(count, 4));
  }

  private string(text: string): void {
    let bytes = Buffer.from(text, 'utf8');
    if (this.d.chance(0.03)) bytes = Buffer.concat([bytes, Buffer.from([this.d.pick([0xc0, 0xff, 0xed, 0x80])])]);
    this.header(bytes.length, 0xa0, 31, 0xd9, 0xda, 0xdb);
    this.buffer(bytes);
  }

  private integer(value: bigint): void {
    const d = this.d;
    if (value >= 0n && value < 128n && d.chance(0.6)) return this.put(Number(value));
    if (value < 0n && value >= -32n && d.chance(0.6)) return this.put(Number(value) & 0xff);
    const b = Buffer.alloc(8);
    if (value >= 0n && value < 2n ** 64n) {
      b.writeBigUInt64BE(value);
      return this.put(0xcf, ...b);
    }
    if (value >= -(2n ** 63n) && value < 0n) {
      b.writeBigInt64BE(value);
      return this.put(0xd3, ...b);
    }
    b.writeDoubleBE(Number(value));
    this.put(0xcb, ...b);
  }

  private float(value: number): void {
    const b = Buffer.alloc(8);
    if (this.d.chance(0.2)) {
      const f = Buffer.alloc(4);
      f.writeFloatBE(value);
      return this.put(0xca, ...f);
    }
    b.writeDoubleBE(value);
    this.put(0xcb, ...b);
  }

  private ext(type: number, data: Buffer): void {
    const sizes: Record<number, number> = { 1: 0xd4, 2: 0xd5, 4: 0xd6, 8: 0xd7, 16: 0xd8 };
    const fixed = sizes[data.length];
    if (fixed !== undefined && this.d.chance(0.7)) {
      this.put(fixed, type & 0xff);
    } else {
      this.header(data.length, undefined, 0, 0xc7, 0xc8, 0xc9);
      this.put(type & 0xff);
    }
    this.buffer(data);
  }

  private timestamp(date: Date): void {
    const d = this.d;
    const ms = Number.isNaN(date.getTime()) ? 0 : date.getTime();
    const seconds = BigInt(Math.floor(ms / 1000));
    const nanos = d.chance(0.2) ? 0xffffffff : (ms % 1000) * 1e6;
    const data = Buffer.alloc(12);
    data.writeUInt32BE(nanos >>> 0, 0);
    data.writeBigInt64BE(seconds, 4);
    this.ext(-1, d.chance(0.5) ? data : data.subarray(d.int(0, 11)));
  }

  /** Something no sensible decoder should take at face value. */
  private trap(): void {
    const d = this.d;
    switch (d.int(0, 6)) {
      case 0:
        return this.put(0xdd, 0xff, 0xff, 0xff, 0xff); // an array of 4 billion items, and nothing after
      case 1:
        return this.put(0xdf, 0x7f, 0xff, 0xff, 0xff); // a map of 2 billion entries
      case 2:
        return this.put(0xdb, 0xff, 0xff, 0xff, 0xf0, 0x61); // a 4 GiB string
      case 3:
        return this.put(0xc6, 0x7f, 0xff, 0xff, 0xff); // a 2 GiB binary
      case 4:
        return this.put(0xc1); // the one reserved byte
      case 5:
        return this.ext(d.int(-128, 127), Buffer.from(Array.from({ length: d.int(0, 20) }, () => d.int(0, 255))));
      default:
        return this.put(0xc9, 0xff, 0xff, 0xff, 0xff, 0x01); // an ext32 of 4 GiB
    }
  }

  write(value: unknown): void {
    const d = this.d;
    if (d.chance(0.01)) return this.trap();
    switch (typeof value) {
      case 'undefined':
        return this.put(0xc0);
      case 'boolean':
        return this.put(value ? 0xc3 : 0xc2);
      case 'number':
        if (Number.isSafeInteger(value) && !Object.is(value, -0)) return this.integer(BigInt(value));
        return this.float(value);
      case 'bigint':
        return this.integer(value);
      case 'string':
        return this.string(value);
      case 'symbol':
      case 'function':
        return this.put(0xc0);
      case 'object':
        break;
    }
    if (value === null) return this.put(0xc0);
    if (value instanceof Date) return this.timestamp(value);
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
      const bytes = value instanceof ArrayBuffer ? Buffer.from(value) : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      if (d.chance(0.2)) return this.ext(d.int(0, 127), bytes);
      this.header(bytes.length, undefined, 0, 0xc4, 0xc5, 0xc6);
      return this.buffer(bytes);
    }
    if (value instanceof Set) return this.write([...value]);
    if (value instanceof Map) {
      const entries = [...value.entries()];
      this.header(entries.length, 0x80, 15, undefined, 0xde, 0xdf);
      for (const [k, v] of entries) {
        this.write(k);
        this.write(v);
      }
      return;
    }
    if (value instanceof Error || value instanceof RegExp) return this.ext(d.int(1, 127), Buffer.from(String(value)));
    if (Array.isArray(value)) {
      this.header(value.length, 0x90, 15, undefined, 0xdc, 0xdd);
      for (let i = 0; i < value.length; i++) this.write(i in value ? value[i] : undefined);
      return;
    }
    const keys = Object.keys(value);
    const extra = d.chance(0.03);
    this.header(keys.length + (extra ? 1 : 0), 0x80, 15, undefined, 0xde, 0xdf);
    for (const key of keys) {
      this.string(key);
      this.write((value as Record<string, unknown>)[key]);
    }
    if (extra) {
      // A key that is not a string: an integer, nil, an array or a map.
      this.write(d.pick<unknown>([7, null, [1, 2], { k: 'v' }, true, 1.5]));
      this.write('non-string key');
    }
  }
}

/** The msgpack bytes of `value`, written as `d` chooses, sometimes damaged. */
export function msgpackBytes(value: unknown, d: Dice): Buffer {
  // Now and then no encoding of anything: random bytes.
  if (d.chance(0.02)) return Buffer.from(Array.from({ length: d.int(1, 64) }, () => d.int(0, 255)));
  let bytes: Buffer | undefined;
  if (d.chance(0.75)) {
    try {
      bytes = d.pick(PACKERS).pack(value);
    } catch {
      // A bigint beyond 64 bits, nesting too deep for msgpackr's writer: the raw writer takes it.
      bytes = undefined;
    }
  }
  if (bytes === undefined) {
    const raw = new RawWriter(d);
    raw.write(value);
    bytes = raw.bytes();
  }
  return d.chance(0.06) ? damageBytes(bytes, d) : bytes;
}
