// The JSON data model every object in the apiserver lives in: plain objects, arrays, strings,
// finite numbers, booleans and null. Request bodies arrive as JSON, YAML, protobuf or msgpack,
// and the last three can carry things JSON cannot (YAML's !!set, !!binary and timestamps,
// msgpack's 64-bit integers, timestamps and extension types, NaN and infinities from either).
// Whatever the format, a body becomes this model here, once, before anything else sees it — and
// so does the result of every patch — so everything stored can be written back as JSON,
// protobuf and msgpack, listed and watched. Nesting depth and encoded size are bounded here
// too, for the same reason: one check covers every way an object can be made.
import { failure, type StatusError } from './status.js';

// String.prototype.isWellFormed and toWellFormed (ES2024; Node 20 has them, the ES2023 lib does not declare them).
interface WellFormedString {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

/**
 * A lone UTF-16 surrogate ("\ud800" in JSON) has no UTF-8 form: stored as msgpack it would read
 * back as U+FFFD while the write's answer still held the surrogate. Go's JSON decoder turns each
 * into U+FFFD; so does the boundary, for every format.
 */
function wellFormed(value: string): string {
  const text = value as unknown as WellFormedString;
  return text.isWellFormed() ? value : text.toWellFormed();
}

export interface JsonLimits {
  /** Containers (objects and arrays) nested inside each other, the outermost included. */
  maxDepth: number;
  /** Bytes of the value as compact JSON, estimated while walking it (strings count their length). */
  maxBytes: number;
}

/** The body limit kube-apiserver applies to requests, and so to any object made from one. */
export const MAX_OBJECT_BYTES = 3 * 1024 * 1024;

/**
 * Kubernetes objects are a few levels deep (a pod's volume projections reach about 12); CBOR
 * decoding in kube-apiserver stops at 64. A bound well above both keeps every recursive walk of
 * an object (validation, patches, encoders) far from the stack's end.
 */
export const MAX_OBJECT_DEPTH = 100;

export const OBJECT_LIMITS: JsonLimits = { maxDepth: MAX_OBJECT_DEPTH, maxBytes: MAX_OBJECT_BYTES };

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** What the value is, as an error message names it. */
function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'bigint') return `the integer ${value}`;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'symbol' || typeof value === 'function') return `a ${typeof value}`;
  const name = (value as object).constructor?.name;
  return name ? `a ${name}` : 'an object without a prototype';
}

function pathText(path: readonly (string | number)[]): string {
  if (path.length === 0) return 'the top level';
  return path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${part}`)).join('');
}

function notJson(what: string, path: readonly (string | number)[], value: unknown): StatusError {
  return failure(400, 'BadRequest', `${what} holds ${describe(value)} at ${pathText(path)}, which is not a JSON value`);
}

function isPlainPrototype(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Bytes a JSON number takes; only an upper bound is needed, so a generous constant for floats. */
function numberBytes(value: number): number {
  return Number.isInteger(value) && Math.abs(value) < 1e15 ? String(value).length : 24;
}

class Converter {
  private bytes = 0;
  /** Object keys seen (before absent values are left out). */
  keys = 0;
  private readonly path: (string | number)[] = [];

  constructor(
    private readonly what: string,
    private readonly limits: JsonLimits,
  ) {}

  private spend(bytes: number): void {
    this.bytes += bytes;
    if (this.bytes > this.limits.maxBytes) {
      throw failure(413, 'RequestEntityTooLarge', `${this.what} is larger than the limit of ${this.limits.maxBytes} bytes`);
    }
  }

  convert(value: unknown, depth: number): JsonValue {
    switch (typeof value) {
      case 'string':
        // Escapes can make a character take up to six bytes; quotes add two.
        this.spend(value.length + 2);
        return wellFormed(value);
      case 'boolean':
        this.spend(5);
        return value;
      case 'number':
        if (!Number.isFinite(value)) throw notJson(this.what, this.path, value);
        this.spend(numberBytes(value));
        // -0 would come back as 0 from JSON but as -0 from msgpack.
        return value === 0 ? 0 : value;
      case 'bigint':
        // 64-bit integers (msgpack int64, YAML with big integers) are numbers when exact.
        if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
          throw failure(400, 'BadRequest', `${this.what} holds the integer ${value} at ${pathText(this.path)}, which is beyond ±2^53 and cannot be kept exactly`);
        }
        this.spend(String(value).length);
        return Number(value);
      case 'object':
        if (value === null) {
          this.spend(4);
          return null;
        }
        if (depth >= this.limits.maxDepth) {
          throw failure(400, 'BadRequest', `${this.what} is nested more than ${this.limits.maxDepth} levels deep (at ${pathText(this.path)})`);
        }
        if (Array.isArray(value)) return this.array(value, depth + 1);
        if (isPlainPrototype(value)) return this.object(value as Record<string, unknown>, depth + 1);
        throw notJson(this.what, this.path, value);
      default:
        throw notJson(this.what, this.path, value);
    }
  }

  /**
   * convert's checks without the copy, for a value JSON.parse made (only strings, finite numbers,
   * booleans, null, arrays and plain objects): true when the value is already in the model; false
   * when convert must copy it (a -0, a lone surrogate). Throws what convert throws.
   */
  admitParsed(value: unknown, depth: number): boolean {
    switch (typeof value) {
      case 'string':
        this.spend(value.length + 2);
        return (value as unknown as WellFormedString).isWellFormed();
      case 'boolean':
        this.spend(5);
        return true;
      case 'number':
        // JSON.parse reads 1e400 as Infinity.
        if (!Number.isFinite(value)) throw notJson(this.what, this.path, value);
        this.spend(numberBytes(value));
        return !Object.is(value, -0);
      case 'object': {
        if (value === null) {
          this.spend(4);
          return true;
        }
        if (depth >= this.limits.maxDepth) {
          throw failure(400, 'BadRequest', `${this.what} is nested more than ${this.limits.maxDepth} levels deep (at ${pathText(this.path)})`);
        }
        let plain = true;
        this.spend(2);
        if (Array.isArray(value)) {
          for (let i = 0; i < value.length; i++) {
            this.path.push(i);
            plain = this.admitParsed(value[i], depth + 1) && plain;
            this.path.pop();
            this.spend(1);
          }
          return plain;
        }
        const record = value as Record<string, unknown>;
        const keys = Object.keys(record);
        this.keys += keys.length;
        for (const key of keys) {
          if (key === '__proto__') throw failure(400, 'BadRequest', `${this.what} holds the key "__proto__" at ${pathText(this.path)}, which the apiserver refuses in every format`);
          this.spend(key.length + 4);
          this.path.push(key);
          plain = this.admitParsed(record[key], depth + 1) && (key as unknown as WellFormedString).isWellFormed() && plain;
          this.path.pop();
        }
        return plain;
      }
      default:
        throw notJson(this.what, this.path, value);
    }
  }

  private array(value: readonly unknown[], depth: number): JsonValue[] {
    this.spend(2);
    const out: JsonValue[] = new Array<JsonValue>(value.length);
    for (let i = 0; i < value.length; i++) {
      // A hole or undefined element has no JSON form that reads back the same.
      if (!(i in value) || value[i] === undefined) throw notJson(this.what, [...this.path, i], undefined);
      this.path.push(i);
      out[i] = this.convert(value[i], depth);
      this.path.pop();
      this.spend(1);
    }
    return out;
  }

  private object(value: Record<string, unknown>, depth: number): { [key: string]: JsonValue } {
    this.spend(2);
    const out: { [key: string]: JsonValue } = {};
    const keys = Object.keys(value);
    this.keys += keys.length;
    for (const key of keys) {
      const item = value[key];
      // An absent value, as JSON.stringify and msgpack leave it out.
      if (item === undefined) continue;
      // Objects are stored as msgpack, and msgpackr reads this key back as "__proto_": the object
      // would change between the write and every read. JSON bodies holding it are refused by the
      // JSON parser; YAML, protobuf and patched objects are refused here.
      if (key === '__proto__') throw failure(400, 'BadRequest', `${this.what} holds the key "__proto__" at ${pathText(this.path)}, which the apiserver refuses in every format`);
      this.spend(key.length + 4);
      this.path.push(key);
      // Plain assignment is safe: the one key that would reach the prototype was refused above.
      out[wellFormed(key)] = this.convert(item, depth);
      this.path.pop();
    }
    return out;
  }
}

/**
 * A copy of `value` in the JSON data model. Anything outside it, nested deeper than
 * `limits.maxDepth` (400) or larger than `limits.maxBytes` (413), throws a StatusError whose
 * message starts with `what` ("the request body", "the patched object").
 */
export function toJsonValue(value: unknown, what: string, limits: JsonLimits = OBJECT_LIMITS): JsonValue {
  return new Converter(what, limits).convert(value, 0);
}

/** toJsonValue, also saying how many object keys the value holds (duplicate-fields.ts compares it with the text's). */
export function toJsonValueCountingKeys(value: unknown, what: string, limits: JsonLimits = OBJECT_LIMITS): { value: JsonValue; keys: number } {
  const converter = new Converter(what, limits);
  const converted = converter.convert(value, 0);
  return { value: converted, keys: converter.keys };
}

/**
 * toJsonValueCountingKeys for what JSON.parse returned: the same checks and errors, but the parsed
 * value itself is kept (no copy) unless something in it has to change.
 */
export function admitParsedJson(parsed: unknown, what: string, limits: JsonLimits = OBJECT_LIMITS): { value: JsonValue; keys: number } {
  const checker = new Converter(what, limits);
  if (checker.admitParsed(parsed, 0)) return { value: parsed as JsonValue, keys: checker.keys };
  return toJsonValueCountingKeys(parsed, what, limits);
}

/**
 * The compact JSON size of a JSON value as toJsonValue estimates it, counted only until it passes
 * `cap` (so measuring something huge costs about `cap`); the result is then some number above it.
 */
export function estimateJsonBytes(value: unknown, cap: number = Number.MAX_SAFE_INTEGER): number {
  let total = 0;
  const pending: unknown[] = [value];
  while (pending.length > 0 && total <= cap) {
    const item = pending.pop();
    if (typeof item === 'string') total += item.length + 2;
    else if (typeof item === 'number') total += numberBytes(item);
    else if (typeof item === 'boolean') total += 5;
    else if (item === null || item === undefined) total += 4;
    else if (Array.isArray(item)) {
      total += 2 + item.length;
      for (const element of item) pending.push(element);
    } else if (typeof item === 'object') {
      total += 2;
      for (const [key, element] of Object.entries(item)) {
        total += key.length + 4;
        pending.push(element);
      }
    }
  }
  return total;
}
