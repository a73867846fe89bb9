// The JSON an object reads back as after a protobuf round trip — what to-json.ts makes of the bytes
// from-json.ts writes — computed from the JSON directly, without the bytes. Kubernetes stores the
// Go object, so what it serves has Go's shape; Rudder puts every object in that shape before
// storing it (canonical-form.ts), once per write, so doing it without encoding and decoding
// matters. The rules are the two converters' read together:
// - a pointer (or a field Go does not describe) is written only when set; every other field is
//   written, a missing struct as an empty message and a missing scalar as its zero value;
// - on the way back, an `omitempty` scalar (and []byte) that is zero is left out, a non-pointer
//   struct is always there, an empty slice or map is left out;
// - times, durations, quantities, IntOrString, raw JSON and []byte come back in their canonical
//   text; map keys in Go's order; integers as the protobuf type holds them.
// test/protobuf-canonical-json.test.ts checks the result against the real round trip.
import protobuf from 'protobufjs';
import { errors, type StatusError } from '../status.js';
import { canonicalQuantity } from '../validation/quantity.js';
import { compareGoStrings } from './from-json.js';
import type { GoField, GoFieldTable } from './go-fields.js';
import { formatGoDuration, parseGoDuration } from './go-duration.js';
import { GO_ZERO_TIME_SECONDS, isGoZeroTime, parseGoTime } from './go-time.js';

type JsonObject = Record<string, unknown>;
/** A message's or value's canonical JSON; OMIT when Go's JSON would not write it at all. */
type Canonical = (json: unknown) => unknown;

const OMIT = Symbol('omit');
const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';
const EMPTY: JsonObject = Object.freeze({}) as JsonObject;
/** 9999-12-31T23:59:59Z: Go's JSON refuses to write later (or negative) years. */
const LAST_JSON_SECOND = 253402300799;

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mismatch(where: string, expected: string, value: unknown): StatusError {
  const shown = JSON.stringify(value) ?? String(value);
  return errors.internal(`cannot write ${where} as protobuf: expected ${expected}, got ${shown.length > 60 ? `${shown.slice(0, 60)}...` : shown}`);
}

function integer(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw mismatch(where, 'an integer', value);
  return value;
}

/** A scalar as it reads back: the protobuf type's range and precision, []byte as canonical base64. */
function scalarValue(type: string, value: unknown, where: string): unknown {
  switch (type) {
    case 'string':
      if (typeof value !== 'string') throw mismatch(where, 'a string', value);
      return value;
    case 'bool':
      if (typeof value !== 'boolean') throw mismatch(where, 'a boolean', value);
      return value;
    case 'int32':
      return integer(value, where) | 0;
    case 'uint32':
      return integer(value, where) >>> 0;
    case 'int64':
    case 'uint64':
      return integer(value, where);
    case 'double':
      if (typeof value !== 'number') throw mismatch(where, 'a number', value);
      return value;
    case 'float':
      if (typeof value !== 'number') throw mismatch(where, 'a number', value);
      return Math.fround(value);
    case 'bytes':
      if (typeof value !== 'string') throw mismatch(where, 'a string', value);
      return Buffer.from(value, 'base64').toString('base64');
    default:
      throw new Error(`${where}: protobuf type ${type} is not supported`);
  }
}

const ZERO: Record<string, unknown> = { string: '', bool: false, int32: 0, uint32: 0, int64: 0, uint64: 0, double: 0, float: 0, bytes: '' };

function isZero(value: unknown): boolean {
  return value === 0 || value === false || value === '';
}

function isoSeconds(seconds: number): string {
  if (seconds < GO_ZERO_TIME_SECONDS || seconds > LAST_JSON_SECOND) throw errors.badRequest('the object holds a time outside the years 0001 to 9999');
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, '');
}

/** Time (whole seconds) and MicroTime (microseconds): the zero time is not written. */
function timeCanonical(kind: string, nanosecondsPerTick: number): Canonical {
  // Objects written in the same second carry the same time: the last answer is kept.
  let lastText = '';
  let lastCanonical: unknown = OMIT;
  const canonical = (json: string): unknown => {
    const time = parseGoTime(json);
    if (time === undefined) throw mismatch(kind, 'an RFC 3339 time', json);
    if (isGoZeroTime(time)) return OMIT;
    const nanos = time.nanos - (time.nanos % nanosecondsPerTick);
    if (nanosecondsPerTick === 1_000_000_000) return time.seconds === GO_ZERO_TIME_SECONDS ? OMIT : `${isoSeconds(time.seconds)}Z`;
    if (time.seconds === GO_ZERO_TIME_SECONDS && nanos === 0) return OMIT;
    return `${isoSeconds(time.seconds)}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z`;
  };
  return (json) => {
    if (json === undefined || json === null || json === '') return OMIT;
    if (typeof json !== 'string') throw mismatch(kind, 'an RFC 3339 time', json);
    if (json !== lastText) {
      lastCanonical = canonical(json);
      lastText = json;
    }
    return lastCanonical;
  };
}

function quantityCanonical(json: unknown): unknown {
  if (json === undefined || json === null) return '0';
  if (typeof json !== 'string' && typeof json !== 'number') throw mismatch('Quantity', 'a quantity', json);
  const text = canonicalQuantity(json) ?? String(json);
  return text === '' ? '0' : text;
}

/** A copy of a JSON value (one that passed the decoding boundary: no undefined, no "__proto__" key). */
function copyJson(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(copyJson);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = copyJson((value as Record<string, unknown>)[key]);
  return out;
}

/** RawExtension and FieldsV1 hold JSON text: an absent or empty one is not written. */
function rawJsonCanonical(json: unknown): unknown {
  if (json === undefined || json === null) return OMIT;
  return copyJson(json);
}

/** A Go []string type written in protobuf as a message of repeated items (Verbs, ExtraValue). */
function stringList(name: string): Canonical {
  return (json) => {
    if (json === undefined || json === null) return [];
    if (!Array.isArray(json)) throw mismatch(name, 'an array of strings', json);
    return json.map((item) => scalarValue('string', item ?? '', name));
  };
}

/** Messages Go marshals by hand, and whether their Go type is a slice (nil, so not written, unless set). */
const CUSTOM: Record<string, { canonical: Canonical; nilable?: true }> = {
  [`${META}.Time`]: { canonical: timeCanonical('Time', 1_000_000_000) },
  [`${META}.MicroTime`]: { canonical: timeCanonical('MicroTime', 1_000) },
  [`${META}.Duration`]: {
    canonical: (json) => {
      if (json === undefined || json === null) return formatGoDuration(0n);
      const parsed = typeof json === 'string' ? parseGoDuration(json) : undefined;
      if (parsed === undefined) throw mismatch('Duration', 'a Go duration such as "1m30s"', json);
      return formatGoDuration(parsed);
    },
  },
  [`${META}.FieldsV1`]: { canonical: rawJsonCanonical },
  [`${META}.Verbs`]: { nilable: true, canonical: stringList('Verbs') },
  'k8s.io.api.certificates.v1.ExtraValue': { nilable: true, canonical: stringList('ExtraValue') },
  'k8s.io.apimachinery.pkg.api.resource.Quantity': { canonical: quantityCanonical },
  'k8s.io.apimachinery.pkg.api.resource.QuantityValue': { canonical: quantityCanonical },
  'k8s.io.apimachinery.pkg.util.intstr.IntOrString': {
    canonical: (json) => (typeof json === 'string' ? json : json === undefined || json === null ? 0 : integer(json, 'IntOrString') | 0),
  },
  'k8s.io.apimachinery.pkg.runtime.RawExtension': { canonical: rawJsonCanonical },
};

function fullName(type: protobuf.ReflectionObject): string {
  return type.fullName.replace(/^\./, '');
}

/** Writes one field of a message's canonical JSON from the JSON object of the message. */
type FieldCanonical = (out: JsonObject, parent: JsonObject) => void;

export class JsonCanonicalizer {
  private readonly messages = new Map<string, Canonical>();
  private readonly byType = new WeakMap<protobuf.Type, Canonical>();

  constructor(private readonly goFields: GoFieldTable) {}

  /** The canonical JSON of an object of message `type` (without apiVersion and kind, which are no field). */
  canonical(type: protobuf.Type, json: JsonObject): JsonObject {
    const converted = this.messageFor(type)(json);
    const out = isJsonObject(converted) ? converted : {};
    // Go's nil and empty slices are the same on the wire, but a list's JSON always has its items.
    if (out.items === undefined && type.fields.items?.repeated === true) out.items = [];
    return out;
  }

  private messageFor(type: protobuf.Type): Canonical {
    // A type's full name is computed by walking its parents: look the type up first.
    let canonical = this.byType.get(type);
    if (canonical !== undefined) return canonical;
    const name = fullName(type);
    canonical = this.messages.get(name);
    if (canonical === undefined) {
      canonical = CUSTOM[name]?.canonical ?? this.compileMessage(type, name);
      this.messages.set(name, canonical);
    }
    this.byType.set(type, canonical);
    return canonical;
  }

  /** A nested message's canonical form, looked up when first used: message types may refer to themselves. */
  private lazy(type: protobuf.Type): Canonical {
    let canonical: Canonical | undefined;
    return (json) => (canonical ??= this.messageFor(type))(json);
  }

  private compileMessage(type: protobuf.Type, name: string): Canonical {
    const facts = this.goFields[name] ?? {};
    const fields = type.fieldsArray.map((field) => this.compileField(name, field, facts[String(field.id)]));
    return (json) => {
      if (json !== undefined && json !== null && !isJsonObject(json)) throw mismatch(name, 'an object', json);
      const parent = json ?? EMPTY;
      const out: JsonObject = {};
      for (const field of fields) field(out, parent);
      return out;
    };
  }

  private compileField(message: string, field: protobuf.Field, go: GoField | undefined): FieldCanonical {
    const where = `${message}.${field.name}`;
    // Fields Go does not describe behave like plain omitempty pointers on both sides.
    const facts: GoField = go ?? { json: field.name, omitempty: true };
    const key = facts.json;
    const nested = field.resolvedType instanceof protobuf.Type ? field.resolvedType : undefined;
    if (!nested && ZERO[field.type] === undefined) throw new Error(`${where}: protobuf type ${field.type} is not supported`);

    if (field instanceof protobuf.MapField) {
      if (field.keyType !== 'string') throw new Error(`${where}: maps keyed by ${field.keyType} are not supported`);
      const value: Canonical = nested ? this.lazy(nested) : (item) => scalarValue(field.type, item ?? ZERO[field.type], where);
      return (out, parent) => {
        const map = parent[key];
        if (map === undefined || map === null) return;
        if (!isJsonObject(map)) throw mismatch(where, 'an object', map);
        const keys = Object.keys(map).filter((k) => map[k] !== undefined);
        if (keys.length === 0) return;
        keys.sort(compareGoStrings);
        const entries: JsonObject = {};
        for (const k of keys) {
          const converted = value(map[k]);
          Object.defineProperty(entries, k, { value: converted === OMIT ? null : converted, writable: true, enumerable: true, configurable: true });
        }
        out[key] = entries;
      };
    }

    if (field.repeated) {
      const item: Canonical = nested ? this.lazy(nested) : (value) => scalarValue(field.type, value ?? ZERO[field.type], where);
      return (out, parent) => {
        const items = parent[key];
        if (items === undefined || items === null) return;
        if (!Array.isArray(items)) throw mismatch(where, 'an array', items);
        if (items.length === 0) return;
        // Array.from, unlike map, visits holes too, as the encoder's loop does.
        out[key] = Array.from(items, (value) => {
          const converted = item(value);
          return converted === OMIT ? null : converted;
        });
      };
    }

    if (nested) {
      const content = this.lazy(nested);
      // An embedded struct: its fields sit in the parent's JSON object, and come back there.
      if (facts.inline) {
        return (out, parent) => {
          const converted = content(parent);
          if (isJsonObject(converted)) Object.assign(out, converted);
          else if (converted !== OMIT) out[key] = converted;
        };
      }
      const onlyWhenSet = go === undefined || facts.pointer === true || CUSTOM[fullName(nested)]?.nilable === true;
      return (out, parent) => {
        const value = parent[key];
        if (onlyWhenSet && (value === undefined || value === null)) return;
        const converted = content(value);
        if (converted !== OMIT) out[key] = converted;
      };
    }

    const onlyWhenSet = go === undefined || facts.pointer === true || field.type === 'bytes';
    // A zero a pointer holds was set on purpose; other zeros are Go's default, dropped by omitempty.
    const dropZero = !facts.pointer && (facts.omitempty === true || field.type === 'bytes');
    return (out, parent) => {
      const value = parent[key];
      let converted: unknown;
      if (value === undefined || value === null) {
        if (onlyWhenSet) return;
        converted = ZERO[field.type];
      } else {
        converted = scalarValue(field.type, value, where);
      }
      if (dropZero && isZero(converted)) return;
      out[key] = converted;
    };
  }
}
