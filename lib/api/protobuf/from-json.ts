// Turns the JSON of a Kubernetes object into the protobuf bytes kube-apiserver writes for the same
// Go object: the inverse of to-json.ts. What reaches the wire is decided by Go's generated
// marshallers, not by JSON's omitempty: a non-pointer field is always written (a missing struct as
// a message of its own zeros), a pointer only when set, a slice or map only when it has entries,
// []byte only when not nil. Fields go in number order and map entries in Go's sorted key order, so
// the bytes equal Go's. Each message's writer is compiled once, on first use.
import protobuf from 'protobufjs';
import { errors, type StatusError } from '../status.js';
import { canonicalQuantity } from '../validation/quantity.js';
import type { GoField, GoFieldTable } from './go-fields.js';
import { parseGoDuration } from './go-duration.js';
import { isGoZeroTime, parseGoTime } from './go-time.js';

type JsonObject = Record<string, unknown>;
/** Writes a message's fields (no tag, no length) for a JSON value; undefined and null mean Go's zero value. */
type ContentWriter = (writer: protobuf.Writer, json: unknown) => void;
/** Writes one field, tag included, if Go would, reading it from the JSON object of its message. */
type FieldWriter = (writer: protobuf.Writer, parent: JsonObject) => void;

const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';
const EMPTY: JsonObject = Object.freeze({}) as JsonObject;

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

function tag(id: number, wire: number): number {
  return ((id << 3) | wire) >>> 0;
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object is not what its schema says: a server bug, so a 500 rather than a client error. */
function mismatch(where: string, expected: string, value: unknown): StatusError {
  const shown = JSON.stringify(value) ?? String(value);
  return errors.internal(`cannot write ${where} as protobuf: expected ${expected}, got ${shown.length > 60 ? `${shown.slice(0, 60)}...` : shown}`);
}

function asInteger(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw mismatch(where, 'an integer', value);
  return value;
}

function asString(value: unknown, where: string): string {
  if (typeof value !== 'string') throw mismatch(where, 'a string', value);
  return value;
}

interface Scalar {
  wire: number;
  /** Go's zero value, written for a non-pointer field the JSON leaves out. */
  zero: unknown;
  write(writer: protobuf.Writer, value: unknown, where: string): void;
}

const SCALARS: Record<string, Scalar> = {
  string: { wire: WIRE_LENGTH_DELIMITED, zero: '', write: (w, v, where) => void w.string(asString(v, where)) },
  bool: {
    wire: WIRE_VARINT,
    zero: false,
    write: (w, v, where) => {
      if (typeof v !== 'boolean') throw mismatch(where, 'a boolean', v);
      w.bool(v);
    },
  },
  int32: { wire: WIRE_VARINT, zero: 0, write: (w, v, where) => void w.int32(asInteger(v, where)) },
  uint32: { wire: WIRE_VARINT, zero: 0, write: (w, v, where) => void w.uint32(asInteger(v, where)) },
  int64: { wire: WIRE_VARINT, zero: 0, write: (w, v, where) => void w.int64(asInteger(v, where)) },
  uint64: { wire: WIRE_VARINT, zero: 0, write: (w, v, where) => void w.uint64(asInteger(v, where)) },
  double: {
    wire: WIRE_FIXED64,
    zero: 0,
    write: (w, v, where) => {
      if (typeof v !== 'number') throw mismatch(where, 'a number', v);
      w.double(v);
    },
  },
  float: {
    wire: WIRE_FIXED32,
    zero: 0,
    write: (w, v, where) => {
      if (typeof v !== 'number') throw mismatch(where, 'a number', v);
      w.float(v);
    },
  },
  // JSON carries []byte as base64.
  bytes: { wire: WIRE_LENGTH_DELIMITED, zero: '', write: (w, v, where) => void w.bytes(Buffer.from(asString(v, where), 'base64')) },
};

/**
 * Go orders map keys by their UTF-8 bytes, that is by code point. UTF-16 code units order the
 * same way except where a surrogate (part of a character past U+FFFF) meets U+E000..U+FFFF.
 */
export function compareGoStrings(a: string, b: string): number {
  const shorter = Math.min(a.length, b.length);
  for (let i = 0; i < shorter; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xSurrogate = x >= 0xd800 && x <= 0xdfff;
    const ySurrogate = y >= 0xd800 && y <= 0xdfff;
    if (xSurrogate && !ySurrogate && y >= 0xe000) return 1;
    if (ySurrogate && !xSurrogate && x >= 0xe000) return -1;
    return x - y;
  }
  return a.length - b.length;
}

/**
 * Time and MicroTime: Go marshals the zero time as an empty message, any other as seconds and
 * nanos, with the nanos cut to what each one's JSON form can say (none for Time, microseconds
 * for MicroTime), so protobuf and JSON clients read back the same instant.
 */
function timeWriter(kind: string, nanosecondsPerTick: number): ContentWriter {
  return (writer, json) => {
    // Go's JSON reads null as the zero time; "" is not a time to Go, but means the same here.
    if (json === undefined || json === null || json === '') return;
    if (typeof json !== 'string') throw mismatch(kind, 'an RFC 3339 time', json);
    const time = parseGoTime(json);
    if (time === undefined) throw mismatch(kind, 'an RFC 3339 time', json);
    if (isGoZeroTime(time)) return;
    const nanos = time.nanos - (time.nanos % nanosecondsPerTick);
    writer.uint32(tag(1, WIRE_VARINT)).int64(time.seconds).uint32(tag(2, WIRE_VARINT)).int32(nanos);
  };
}

const durationWriter: ContentWriter = (writer, json) => {
  let nanoseconds = 0n;
  if (json !== undefined && json !== null) {
    const parsed = typeof json === 'string' ? parseGoDuration(json) : undefined;
    if (parsed === undefined) throw mismatch('Duration', 'a Go duration such as "1m30s"', json);
    nanoseconds = parsed;
  }
  // A string keeps int64 durations past 2^53 exact.
  writer.uint32(tag(1, WIRE_VARINT)).int64(nanoseconds.toString());
};

/** Go writes Quantity.String(): the canonical text, "0" for the zero quantity. */
const quantityWriter: ContentWriter = (writer, json) => {
  let text = '0';
  if (json !== undefined && json !== null) {
    if (typeof json !== 'string' && typeof json !== 'number') throw mismatch('Quantity', 'a quantity', json);
    text = canonicalQuantity(json) ?? String(json);
  }
  writer.uint32(tag(1, WIRE_LENGTH_DELIMITED)).string(text);
};

const intOrStringWriter: ContentWriter = (writer, json) => {
  let type = 0;
  let intVal = 0;
  let strVal = '';
  if (typeof json === 'string') {
    type = 1;
    strVal = json;
  } else if (json !== undefined && json !== null) {
    intVal = asInteger(json, 'IntOrString');
  }
  writer
    .uint32(tag(1, WIRE_VARINT))
    .int64(type)
    .uint32(tag(2, WIRE_VARINT))
    .int32(intVal)
    .uint32(tag(3, WIRE_LENGTH_DELIMITED))
    .string(strVal);
};

/** RawExtension and FieldsV1 keep the JSON text itself; null leaves Raw nil, and nil is not written. */
const rawJsonWriter: ContentWriter = (writer, json) => {
  if (json === undefined || json === null) return;
  writer.uint32(tag(1, WIRE_LENGTH_DELIMITED)).bytes(Buffer.from(JSON.stringify(json), 'utf8'));
};

/** A Go []string that gogo wraps in a message of its own (field 1, repeated). */
function stringListWriter(what: string): ContentWriter {
  return (writer, json) => {
    if (json === undefined || json === null) return;
    if (!Array.isArray(json)) throw mismatch(what, 'an array of strings', json);
    for (const item of json) writer.uint32(tag(1, WIRE_LENGTH_DELIMITED)).string(asString(item ?? '', what));
  };
}

interface CustomMessage {
  write: ContentWriter;
  /** The Go type is a slice: nil (so not written) unless the JSON holds a value. */
  nilable?: true;
}

/** Messages whose Go types marshal by hand; the inverses of to-json.ts's CUSTOM_JSON. */
const CUSTOM: Record<string, CustomMessage> = {
  [`${META}.Time`]: { write: timeWriter('Time', 1_000_000_000) },
  [`${META}.MicroTime`]: { write: timeWriter('MicroTime', 1_000) },
  [`${META}.Duration`]: { write: durationWriter },
  [`${META}.FieldsV1`]: { write: rawJsonWriter },
  [`${META}.Verbs`]: { write: stringListWriter('Verbs'), nilable: true },
  'k8s.io.api.certificates.v1.ExtraValue': { write: stringListWriter('ExtraValue'), nilable: true },
  'k8s.io.apimachinery.pkg.api.resource.Quantity': { write: quantityWriter },
  'k8s.io.apimachinery.pkg.api.resource.QuantityValue': { write: quantityWriter },
  'k8s.io.apimachinery.pkg.util.intstr.IntOrString': { write: intOrStringWriter },
  'k8s.io.apimachinery.pkg.runtime.RawExtension': { write: rawJsonWriter },
};

function fullName(type: protobuf.ReflectionObject): string {
  return type.fullName.replace(/^\./, '');
}

export class JsonProtoConverter {
  private readonly writers = new Map<string, ContentWriter>();

  constructor(private readonly goFields: GoFieldTable) {}

  /** The message bytes (no envelope) of a JSON object of `type`; apiVersion and kind are not part of them. */
  encode(type: protobuf.Type, json: JsonObject): Uint8Array {
    const writer = protobuf.Writer.create();
    this.writerFor(type)(writer, json);
    return writer.finish();
  }

  /** Writes the fields of `json` as a message of `type` into `writer`, for callers that nest it. */
  write(writer: protobuf.Writer, type: protobuf.Type, json: JsonObject): void {
    this.writerFor(type)(writer, json);
  }

  private writerFor(type: protobuf.Type): ContentWriter {
    const name = fullName(type);
    let writer = this.writers.get(name);
    if (writer === undefined) {
      writer = CUSTOM[name]?.write ?? this.compileMessage(type, name);
      this.writers.set(name, writer);
    }
    return writer;
  }

  /** A nested message's writer, looked up when first called: message types may refer to themselves. */
  private lazyWriter(type: protobuf.Type): ContentWriter {
    let writer: ContentWriter | undefined;
    return (w, json) => (writer ??= this.writerFor(type))(w, json);
  }

  private compileMessage(type: protobuf.Type, name: string): ContentWriter {
    const facts = this.goFields[name] ?? {};
    const fields = [...type.fieldsArray].sort((a, b) => a.id - b.id).map((field) => this.compileField(name, field, facts[String(field.id)]));
    return (writer, json) => {
      if (json !== undefined && json !== null && !isJsonObject(json)) throw mismatch(name, 'an object', json);
      const object = json ?? EMPTY;
      for (const write of fields) write(writer, object);
    };
  }

  private compileField(message: string, field: protobuf.Field, go: GoField | undefined): FieldWriter {
    const where = `${message}.${field.name}`;
    const json = go?.json ?? field.name;
    if (field instanceof protobuf.MapField) return this.compileMap(field, json, where);
    const nested = field.resolvedType instanceof protobuf.Type ? field.resolvedType : undefined;
    const scalar = nested ? undefined : SCALARS[field.type];
    if (!nested && !scalar) throw new Error(`${where}: protobuf type ${field.type} is not supported`);

    if (field.repeated) {
      // Go's generated code for Kubernetes' proto2 files never packs repeated numbers.
      if (field.packed) throw new Error(`${where}: packed repeated fields are not supported`);
      if (nested) {
        const content = this.lazyWriter(nested);
        const itemTag = tag(field.id, WIRE_LENGTH_DELIMITED);
        return (writer, parent) => {
          const items = arrayAt(parent, json, where);
          for (const item of items) {
            writer.uint32(itemTag).fork();
            content(writer, item);
            writer.ldelim();
          }
        };
      }
      const itemTag = tag(field.id, scalar!.wire);
      return (writer, parent) => {
        for (const item of arrayAt(parent, json, where)) {
          writer.uint32(itemTag);
          scalar!.write(writer, item ?? scalar!.zero, where);
        }
      };
    }

    if (nested) {
      const content = this.lazyWriter(nested);
      const fieldTag = tag(field.id, WIRE_LENGTH_DELIMITED);
      // An embedded struct: its fields sit in the parent's JSON object.
      if (go?.inline) {
        return (writer, parent) => {
          writer.uint32(fieldTag).fork();
          content(writer, parent);
          writer.ldelim();
        };
      }
      const onlyWhenSet = go === undefined || go.pointer === true || CUSTOM[fullName(nested)]?.nilable === true;
      return (writer, parent) => {
        const value = parent[json];
        if (onlyWhenSet && (value === undefined || value === null)) return;
        writer.uint32(fieldTag).fork();
        content(writer, value);
        writer.ldelim();
      };
    }

    const fieldTag = tag(field.id, scalar!.wire);
    const onlyWhenSet = go === undefined || go.pointer === true || field.type === 'bytes';
    return (writer, parent) => {
      const value = parent[json];
      if (value === undefined || value === null) {
        if (onlyWhenSet) return;
        writer.uint32(fieldTag);
        scalar!.write(writer, scalar!.zero, where);
        return;
      }
      writer.uint32(fieldTag);
      scalar!.write(writer, value, where);
    };
  }

  private compileMap(field: protobuf.MapField, json: string, where: string): FieldWriter {
    if (field.keyType !== 'string') throw new Error(`${where}: maps keyed by ${field.keyType} are not supported`);
    const entryTag = tag(field.id, WIRE_LENGTH_DELIMITED);
    const keyTag = tag(1, WIRE_LENGTH_DELIMITED);
    const nested = field.resolvedType instanceof protobuf.Type ? field.resolvedType : undefined;
    let writeValue: (writer: protobuf.Writer, value: unknown) => void;
    if (nested) {
      const content = this.lazyWriter(nested);
      const valueTag = tag(2, WIRE_LENGTH_DELIMITED);
      writeValue = (writer, value) => {
        writer.uint32(valueTag).fork();
        content(writer, value);
        writer.ldelim();
      };
    } else {
      const scalar = SCALARS[field.type];
      if (!scalar) throw new Error(`${where}: protobuf type ${field.type} is not supported`);
      const valueTag = tag(2, scalar.wire);
      const nilable = field.type === 'bytes';
      writeValue = (writer, value) => {
        if (value === null && nilable) return;
        writer.uint32(valueTag);
        scalar.write(writer, value ?? scalar.zero, where);
      };
    }
    return (writer, parent) => {
      const map = parent[json];
      if (map === undefined || map === null) return;
      if (!isJsonObject(map)) throw mismatch(where, 'an object', map);
      const keys = Object.keys(map).filter((key) => map[key] !== undefined);
      keys.sort(compareGoStrings);
      for (const key of keys) {
        writer.uint32(entryTag).fork().uint32(keyTag).string(key);
        writeValue(writer, map[key]);
        writer.ldelim();
      }
    };
  }
}

function arrayAt(parent: JsonObject, json: string, where: string): readonly unknown[] {
  const value = parent[json];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw mismatch(where, 'an array', value);
  return value;
}
