// Decodes a parsed request body against the published definitions the way the Kubernetes
// apiserver's decoder (sigs.k8s.io/json, case-sensitive, into the Go structs) would: fields no
// struct declares are dropped, as decoding into a Go struct drops them, and reported as
// strict-decoding findings (`unknown field "spec.foo"`); values of the wrong JSON type are decode
// errors worded as encoding/json words them. Each kind is compiled once into a tree of closures,
// so decoding a body is one walk over it.
//
// Limits that come from receiving an already parsed value: duplicate keys are gone after
// JSON.parse (duplicate-fields.ts finds them in the text), keys that look like array
// indexes ("0", "1") come first in JavaScript's key order, and a number's original spelling
// is lost (1.0 and 1e3 are taken as the integers 1 and 1000, which Go would reject for
// integer fields). Named string types in Go (v1.Protocol, v1.PullPolicy) are reported as string.
import { isPlainObject } from '../object.js';
import { refName, type Definitions, type Schema } from '../openapi/schema.js';
import { goStructName, goTypeName, INT_OR_STRING, QUANTITY } from '../openapi/type-names.js';
import { base64Error, quantityError, RFC3339, RFC3339_MICRO, timeError } from './scalar-text.js';

/** Kubernetes caps the strict-decoding findings it collects per request. */
const MAX_STRICT_FINDINGS = 100;

export interface DecodeFindings {
  /** The decode error Kubernetes would fail the request with, if any (only the first counts). */
  typeError?: string;
  /** `unknown field "<path>"` for each field no struct declares, in document order. */
  unknownFields: string[];
}

class DecodeState {
  typeError: string | undefined;
  /** A custom unmarshaler failed: Go stops decoding at once and reports that error. */
  aborted = false;
  readonly unknownFields: string[] = [];
  private readonly seen = new Set<string>();

  /** encoding/json keeps the first type error and carries on. */
  save(message: string): void {
    this.typeError ??= message;
  }

  abort(message: string): void {
    this.typeError = message;
    this.aborted = true;
  }

  unknownField(path: string): void {
    const message = `unknown field ${JSON.stringify(path)}`;
    if (this.unknownFields.length >= MAX_STRICT_FINDINGS || this.seen.has(message)) return;
    this.seen.add(message);
    this.unknownFields.push(message);
  }
}

/**
 * Checks `value`; `struct` and `goPath` are encoding/json's error context (the Go struct
 * holding the field, and the JSON field names from the root, without indexes), `path` is
 * the strict-decoding path (with [i] indexes and .key map keys).
 */
type Check = (value: unknown, struct: string, goPath: string, path: string, state: DecodeState) => void;

interface Compiled {
  check: Check;
  /** The Go type as encoding/json prints it: int32, []v1.Container, map[string]string, v1.PodSpec. */
  goType: string;
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  return typeof value;
}

function cannotUnmarshal(what: string, goType: string, struct: string, goPath: string): string {
  return struct === '' && goPath === ''
    ? `json: cannot unmarshal ${what} into Go value of type ${goType}`
    : `json: cannot unmarshal ${what} into Go struct field ${struct}.${goPath} of type ${goType}`;
}

const INT_RANGES = { int32: [-2147483648, 2147483647], int64: [-9223372036854775808, 9223372036854775807] } as const;

function integerCheck(goType: 'int32' | 'int64'): Check {
  const [min, max] = INT_RANGES[goType];
  return (value, struct, goPath, _path, state) => {
    if (value === null) return;
    if (typeof value !== 'number') return state.save(cannotUnmarshal(kindOf(value), goType, struct, goPath));
    if (!Number.isInteger(value) || value < min || value > max) state.save(cannotUnmarshal(`number ${String(value)}`, goType, struct, goPath));
    // Beyond 2^53 a JavaScript number is no longer the integer that was sent.
    else if (!Number.isSafeInteger(value)) state.save(`${cannotUnmarshal(`number ${String(value)}`, goType, struct, goPath)}: integers beyond ±2^53 cannot be kept exactly`);
  };
}

function primitiveCheck(jsType: 'string' | 'boolean' | 'number', goType: string): Check {
  return (value, struct, goPath, _path, state) => {
    if (value !== null && typeof value !== jsType) state.save(cannotUnmarshal(kindOf(value), goType, struct, goPath));
  };
}

const byteStringCheck: Check = (value, struct, goPath, _path, state) => {
  if (value === null) return;
  if (typeof value !== 'string') return state.save(cannotUnmarshal(kindOf(value), '[]uint8', struct, goPath));
  const error = base64Error(value);
  if (error) state.save(error);
};

const anyCheck: Check = () => undefined;

/** intstr.IntOrString.UnmarshalJSON: a string, or else whatever fits an int32. */
const intOrStringCheck: Check = (value, struct, goPath, _path, state) => {
  if (value === null || typeof value === 'string') return;
  if (typeof value !== 'number') return state.abort(cannotUnmarshal(kindOf(value), 'int32', struct, goPath));
  if (!Number.isInteger(value) || value < INT_RANGES.int32[0] || value > INT_RANGES.int32[1]) {
    state.abort(cannotUnmarshal(`number ${String(value)}`, 'int32', struct, goPath));
  }
};

/** resource.Quantity.UnmarshalJSON parses the raw JSON text: string contents or a number. */
const quantityCheck: Check = (value, _struct, _goPath, _path, state) => {
  if (value === null) return;
  const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : JSON.stringify(value);
  const error = quantityError(text);
  if (error) state.abort(error);
};

/** metav1.Time / MicroTime.UnmarshalJSON: a JSON string in the RFC 3339 layout. */
function timeCheck(layout: typeof RFC3339 | typeof RFC3339_MICRO): Check {
  return (value, struct, goPath, _path, state) => {
    if (value === null) return;
    if (typeof value !== 'string') return state.abort(cannotUnmarshal(kindOf(value), 'string', struct, goPath));
    const error = timeError(value, layout);
    if (error) state.abort(error);
  };
}

function arrayCheck(items: Compiled, goType: string): Check {
  return (value, struct, goPath, path, state) => {
    if (value === null) return;
    if (!Array.isArray(value)) return state.save(cannotUnmarshal(kindOf(value), goType, struct, goPath));
    for (let i = 0; i < value.length && !state.aborted; i++) items.check(value[i], struct, goPath, `${path}[${i}]`, state);
  };
}

function mapCheck(values: Compiled, goType: string): Check {
  return (value, struct, goPath, path, state) => {
    if (value === null) return;
    if (!isPlainObject(value)) return state.save(cannotUnmarshal(kindOf(value), goType, struct, goPath));
    for (const key of Object.keys(value)) {
      if (state.aborted) return;
      values.check(value[key], struct, goPath, `${path}.${key}`, state);
    }
  };
}

function structCheck(definition: string, goType: string, fields: Map<string, Compiled>): Check {
  const structName = goStructName(definition);
  return (value, struct, goPath, path, state) => {
    if (value === null) return;
    if (!isPlainObject(value)) return state.save(cannotUnmarshal(kindOf(value), goType, struct, goPath));
    for (const key of Object.keys(value)) {
      if (state.aborted) return;
      const childPath = path === '' ? key : `${path}.${key}`;
      const field = fields.get(key);
      if (field) field.check(value[key], structName, goPath === '' ? key : `${goPath}.${key}`, childPath, state);
      else {
        state.unknownField(childPath);
        delete value[key];
      }
    }
  };
}

const MICRO_TIME = 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime';

/** Compiles definitions on first use; one instance serves every kind. */
export class Decoder {
  private readonly compiled = new Map<string, Compiled>();

  constructor(private readonly definitions: Definitions) {}

  has(definition: string): boolean {
    return definition in this.definitions;
  }

  /** Decodes a whole object against the named definition (io.k8s.api.core.v1.Pod), dropping unknown fields from it. */
  decode(definition: string, value: unknown): DecodeFindings {
    const root = this.named(definition);
    const state = new DecodeState();
    root.check(value, '', '', '', state);
    const findings: DecodeFindings = { unknownFields: state.unknownFields };
    if (state.typeError !== undefined) findings.typeError = state.typeError;
    return findings;
  }

  private named(definition: string): Compiled {
    const cached = this.compiled.get(definition);
    if (cached) return cached;
    const schema = this.definitions[definition];
    if (!schema) throw new Error(`no definition named ${definition}`);
    const goType = goTypeName(definition);
    if (definition === INT_OR_STRING) return this.remember(definition, { check: intOrStringCheck, goType });
    if (definition === QUANTITY) return this.remember(definition, { check: quantityCheck, goType });
    if (schema.format === 'date-time') return this.remember(definition, { check: timeCheck(definition === MICRO_TIME ? RFC3339_MICRO : RFC3339), goType });
    if (schema.type === 'object' && !schema.properties && schema.additionalProperties === undefined) {
      // RawExtension, FieldsV1, Patch: raw JSON kept as is.
      return this.remember(definition, { check: anyCheck, goType });
    }
    if (schema.type === 'object' && schema.properties) {
      const fields = new Map<string, Compiled>();
      const compiled = this.remember(definition, { check: structCheck(definition, goType, fields), goType });
      // Filled after caching, so a type that refers to itself finds its own entry.
      for (const [name, property] of Object.entries(schema.properties)) fields.set(name, this.inline(property));
      return compiled;
    }
    return this.remember(definition, this.inline(schema));
  }

  private remember(definition: string, compiled: Compiled): Compiled {
    this.compiled.set(definition, compiled);
    return compiled;
  }

  private inline(schema: Schema): Compiled {
    if (schema.$ref) return this.named(refName(schema.$ref));
    switch (schema.type) {
      case 'array': {
        if (!schema.items) return { check: anyCheck, goType: '[]interface {}' };
        const items = this.inline(schema.items);
        const goType = `[]${items.goType}`;
        return { check: arrayCheck(items, goType), goType };
      }
      case 'object': {
        if (typeof schema.additionalProperties !== 'object') return { check: anyCheck, goType: 'map[string]interface {}' };
        const values = this.inline(schema.additionalProperties);
        // Every map of quantities in the served kinds is a v1.ResourceList.
        const goType = values.goType === 'resource.Quantity' ? 'v1.ResourceList' : `map[string]${values.goType}`;
        return { check: mapCheck(values, goType), goType };
      }
      case 'string':
        return schema.format === 'byte' ? { check: byteStringCheck, goType: '[]uint8' } : { check: primitiveCheck('string', 'string'), goType: 'string' };
      case 'integer': {
        const goType = schema.format === 'int64' ? 'int64' : 'int32';
        return { check: integerCheck(goType), goType };
      }
      case 'boolean':
        return { check: primitiveCheck('boolean', 'bool'), goType: 'bool' };
      case 'number':
        return { check: primitiveCheck('number', 'float64'), goType: 'float64' };
      default:
        return { check: anyCheck, goType: 'interface {}' };
    }
  }
}
