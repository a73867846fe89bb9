// Turns a decoded Kubernetes proto message into the JSON Kubernetes itself would write for the
// same Go object. Go's protobuf marshalling writes every non-pointer field, zero or not, while
// its JSON marshalling drops `omitempty` zeros; the Go field table says which is which.
import protobuf from 'protobufjs';
import { errors } from '../status.js';
import type { GoField, GoFieldTable } from './go-fields.js';
import { formatGoDuration } from './go-duration.js';

type Fields = Record<string, unknown>;

/** Returned by a converter for a value Go's JSON would not write at all (a zero Time). */
const OMIT = Symbol('omit');
type Converted = unknown | typeof OMIT;

const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';
/** Go's zero time.Time, 0001-01-01T00:00:00Z, in Unix seconds. */
const GO_ZERO_TIME_SECONDS = -62135596800n;

function bigintOf(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return BigInt(value);
  // protobufjs hands int64 values out as Long objects; their decimal string is exact.
  return value === undefined || value === null ? 0n : BigInt(String(value));
}

function has(message: Fields, name: string): boolean {
  return Object.prototype.hasOwnProperty.call(message, name);
}

/** 9999-12-31T23:59:59Z: Go's JSON refuses to write later (or negative) years. */
const LAST_JSON_SECOND = 253402300799n;

function isoSeconds(seconds: bigint): string {
  if (seconds < GO_ZERO_TIME_SECONDS || seconds > LAST_JSON_SECOND) throw errors.badRequest('the protobuf body holds a time outside the years 0001 to 9999');
  return new Date(Number(seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, '');
}

/** Time: whole seconds, UTC; the zero time is written as nothing. */
function timeJson(message: Fields): Converted {
  const seconds = bigintOf(message.seconds);
  if (!has(message, 'seconds') || seconds === GO_ZERO_TIME_SECONDS) return OMIT;
  return `${isoSeconds(seconds)}Z`;
}

/** MicroTime: microseconds, always six digits, UTC. */
function microTimeJson(message: Fields): Converted {
  const seconds = bigintOf(message.seconds);
  const nanos = Number(message.nanos ?? 0);
  if ((!has(message, 'seconds') || seconds === GO_ZERO_TIME_SECONDS) && nanos === 0) return OMIT;
  return `${isoSeconds(seconds)}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z`;
}

function embeddedJson(raw: unknown, what: string): Converted {
  const bytes = raw instanceof Uint8Array ? raw : new Uint8Array();
  if (bytes.length === 0) return OMIT;
  try {
    return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')) as unknown;
  } catch {
    throw errors.badRequest(`the protobuf body holds a ${what} that is not JSON`);
  }
}

/** Messages whose Go types marshal to JSON by hand rather than field by field. */
const CUSTOM_JSON: Record<string, (message: Fields) => Converted> = {
  [`${META}.Time`]: timeJson,
  [`${META}.MicroTime`]: microTimeJson,
  [`${META}.Duration`]: (m) => formatGoDuration(bigintOf(m.duration)),
  [`${META}.FieldsV1`]: (m) => embeddedJson(m.Raw, 'managed fields entry'),
  'k8s.io.apimachinery.pkg.api.resource.Quantity': (m) => (typeof m.string === 'string' && m.string !== '' ? m.string : '0'),
  'k8s.io.apimachinery.pkg.api.resource.QuantityValue': (m) => (typeof m.string === 'string' && m.string !== '' ? m.string : '0'),
  'k8s.io.apimachinery.pkg.util.intstr.IntOrString': (m) => (Number(bigintOf(m.type)) === 1 ? String(m.strVal ?? '') : Number(m.intVal ?? 0)),
  'k8s.io.apimachinery.pkg.runtime.RawExtension': (m) => embeddedJson(m.raw, 'embedded object'),
  // APIResource.verbs: a Go []string that gogo wraps in a message of its own.
  [`${META}.Verbs`]: (m) => (Array.isArray(m.items) ? m.items : []),
  // A CertificateSigningRequest's spec.extra values: Go []string wrapped the same way.
  'k8s.io.api.certificates.v1.ExtraValue': (m) => (Array.isArray(m.items) ? m.items : []),
};

/** Full names of the messages converted by hand; the Go field table need not describe them. */
export const CUSTOM_JSON_MESSAGES: ReadonlySet<string> = new Set(Object.keys(CUSTOM_JSON));

function isZeroScalar(value: unknown): boolean {
  if (value === 0 || value === false || value === '' || value === undefined || value === null) return true;
  if (value instanceof Uint8Array) return value.length === 0;
  if (typeof value === 'object') return bigintOf(value) === 0n;
  return false;
}

export class ProtoJsonConverter {
  constructor(private readonly goFields: GoFieldTable) {}

  /** The JSON object for a decoded message of `type` (no apiVersion/kind: proto messages carry none). */
  message(type: protobuf.Type, message: protobuf.Message): Record<string, unknown> {
    const converted = this.convertMessage(type, message as unknown as Fields);
    return converted === OMIT || typeof converted !== 'object' || converted === null ? {} : (converted as Record<string, unknown>);
  }

  private convertMessage(type: protobuf.Type, message: Fields): Converted {
    const name = type.fullName.replace(/^\./, '');
    const custom = CUSTOM_JSON[name];
    if (custom) return custom(message);
    const facts = this.goFields[name] ?? {};
    const out: Record<string, unknown> = {};
    for (const field of type.fieldsArray) {
      if (!has(message, field.name)) continue;
      // Fields Go does not describe behave like plain omitempty fields.
      const go: GoField = facts[String(field.id)] ?? { json: field.name, omitempty: true };
      const value = this.convertField(field, message[field.name], go);
      if (value === OMIT) continue;
      if (go.inline && typeof value === 'object' && value !== null && !Array.isArray(value)) Object.assign(out, value);
      else out[go.json] = value;
    }
    return out;
  }

  private convertField(field: protobuf.FieldBase, value: unknown, go: GoField): Converted {
    if (field.map) {
      const entries = Object.entries((value ?? {}) as Fields);
      if (entries.length === 0) return OMIT;
      const out: Record<string, unknown> = {};
      for (const [key, item] of entries) {
        const converted = this.convertValue(field, item);
        // A map may hold any key: a "__proto__" one stays a key (for the decoding boundary to refuse), not a prototype.
        Object.defineProperty(out, key, { value: converted === OMIT ? null : converted, enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    if (field.repeated) {
      const items = Array.isArray(value) ? value : [];
      if (items.length === 0) return OMIT;
      return items.map((item) => {
        const converted = this.convertValue(field, item);
        return converted === OMIT ? null : converted;
      });
    }
    // Go writes every non-pointer scalar, so a zero here may be nothing but Go's default: drop
    // it where Go's JSON would (omitempty). A pointer's zero was set on purpose and stays.
    if (!(field.resolvedType instanceof protobuf.Type) && !go.pointer && (go.omitempty || field.bytes) && isZeroScalar(value)) return OMIT;
    return this.convertValue(field, value);
  }

  private convertValue(field: protobuf.FieldBase, value: unknown): Converted {
    if (field.resolvedType instanceof protobuf.Type) return this.convertMessage(field.resolvedType, (value ?? {}) as Fields);
    if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
    // A map entry written without its bytes value (Go's nil) is read with protobufjs' default for
    // bytes, a plain empty array; Go reads it as empty bytes, whose JSON is "".
    if (field.type === 'bytes') return '';
    if (field.long) return Number(bigintOf(value));
    return value;
  }
}
