// Writes any value as JSON text the way a careless or hostile client would: integers beyond 2^53
// as digits, -0, NaN and infinities as literals or overflowing numbers, Sets and Maps as arrays
// and objects, bytes in the three shapes JavaScript programs send them, and now and then a key
// written twice in one object (Go keeps the last; strict decoding reports it).
import type { Dice } from './dice.js';

export interface JsonTextOptions {
  /** Probability that an object repeats one of its keys. */
  duplicateKeys: number;
}

function bytesOf(value: ArrayBufferView | ArrayBuffer): Uint8Array {
  return value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

function numberText(value: number, d: Dice): string {
  if (Number.isNaN(value)) return d.pick(['NaN', 'null', '"NaN"']);
  if (value === Infinity) return d.pick(['1e400', 'Infinity', 'null']);
  if (value === -Infinity) return d.pick(['-1e400', '-Infinity', 'null']);
  if (Object.is(value, -0)) return d.pick(['-0', '-0.0', '0']);
  return String(value);
}

function write(value: unknown, d: Dice, options: JsonTextOptions): string {
  switch (typeof value) {
    case 'undefined':
      return d.chance(0.1) ? 'undefined' : 'null';
    case 'boolean':
      return String(value);
    case 'number':
      return numberText(value, d);
    case 'bigint':
      return value.toString();
    case 'string':
      return JSON.stringify(value);
    case 'symbol':
    case 'function':
      return 'null';
    case 'object':
      break;
  }
  if (value === null) return 'null';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'null' : d.chance(0.8) ? JSON.stringify(value) : String(value.getTime());
  if (value instanceof Error) return `{"name":${JSON.stringify(value.name)},"message":${JSON.stringify(value.message)}}`;
  if (value instanceof RegExp) return d.chance(0.5) ? '{}' : JSON.stringify(String(value));
  if (value instanceof String || value instanceof Number || value instanceof Boolean) return write(value.valueOf(), d, options);
  if (value instanceof Set) return write([...value], d, options);
  if (value instanceof Map) {
    if (d.chance(0.3)) return write([...value.entries()], d, options);
    return writeObject([...value.entries()].map(([k, v]) => [String(k), v]), d, options);
  }
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
    if (value instanceof BigInt64Array || value instanceof BigUint64Array) return `[${[...value].join(',')}]`;
    const bytes = bytesOf(value);
    switch (d.int(0, 2)) {
      case 0:
        return JSON.stringify(Buffer.from(bytes).toString('base64'));
      case 1:
        return `[${[...bytes].join(',')}]`;
      default:
        // JSON.stringify's own shapes: {"type":"Buffer","data":[...]} and {"0":..,"1":..}.
        return Buffer.isBuffer(value) ? JSON.stringify(value) : JSON.stringify(Object.assign({}, ArrayBuffer.isView(value) && !(value instanceof DataView) ? value : bytes));
    }
  }
  if (Array.isArray(value)) {
    const parts: string[] = [];
    for (let i = 0; i < value.length; i++) parts.push(i in value ? write(value[i], d, options) : 'null');
    return `[${parts.join(',')}]`;
  }
  return writeObject(Object.keys(value).map((k) => [k, (value as Record<string, unknown>)[k]]), d, options);
}

function writeObject(entries: [string, unknown][], d: Dice, options: JsonTextOptions): string {
  const kept = entries.filter(([, v]) => v !== undefined || d.chance(0.05));
  const parts = kept.map(([k, v]) => `${JSON.stringify(k)}:${write(v, d, options)}`);
  if (kept.length > 0 && d.chance(options.duplicateKeys)) {
    const [key, original] = d.pick(kept);
    const again = d.pick<unknown>([original, 'duplicate', null, 7, { twice: true }]);
    parts.splice(d.int(0, parts.length), 0, `${JSON.stringify(key)}:${write(again, d, options)}`);
  }
  return `{${parts.join(',')}}`;
}

/** The JSON text of `value`, with the liberties above taken by `d`. */
export function jsonText(value: unknown, d: Dice, options: JsonTextOptions = { duplicateKeys: 0.02 }): string {
  const text = write(value, d, options);
  // A byte-order mark or surrounding whitespace, as some editors and shells add.
  if (d.chance(0.02)) return `\ufeff${text}`;
  if (d.chance(0.05)) return ` \n${text}\n\t`;
  return text;
}
