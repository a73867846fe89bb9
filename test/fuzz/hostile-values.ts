// Values a client can put anywhere in a body: the JSON ones (right and wrong types), and what
// JavaScript, msgpack and YAML can say and JSON cannot — BigInt, Set, Map, Date, Error, Buffer,
// typed arrays, NaN, ±Infinity, -0, sparse arrays, objects without a prototype or with a
// "__proto__" key, class instances — plus nesting just below and beyond the depth limit and
// strings near the size limit, sized when the case runs (see DeepValue, HugeString).
import fc from 'fast-check';
import { estimateJsonBytes, MAX_OBJECT_BYTES } from '../../lib/api/json-value.js';

/** Nesting that makes the whole body `totalDepth` containers deep where it is inserted. */
export class DeepValue {
  constructor(
    readonly totalDepth: number,
    readonly shape: 'array' | 'object' | 'mixed',
  ) {}

  /** The value to insert under `depthAbove` containers (the body itself counts as one). */
  build(depthAbove: number): unknown {
    let value: unknown = 'leaf';
    const levels = Math.max(1, this.totalDepth - depthAbove);
    for (let i = 0; i < levels; i++) {
      const asArray = this.shape === 'array' || (this.shape === 'mixed' && i % 2 === 0);
      value = asArray ? [value] : { n: value };
    }
    return value;
  }
}

/** A string that brings the body to about `slack` bytes from the 3 MiB limit (either side). */
export class HugeString {
  constructor(
    readonly slack: number,
    /** Two-byte characters in UTF-8: the body's byte size passes the limit before the JSON estimate does. */
    readonly wide: boolean,
  ) {}

  build(bytesSoFar: number, limit: number): string {
    const length = Math.max(0, limit - bytesSoFar + this.slack);
    return (this.wide ? 'é' : 'x').repeat(this.wide ? Math.floor(length / 2) : length);
  }
}

/**
 * A copy of the plain objects and arrays in `value` (keeping a null prototype, own "__proto__"
 * keys and holes), other objects shared: what a run inserts and later mutates is its own, and a
 * generated value stays as fast-check made it, for shrinking and the report.
 */
export function copyContainers(value: unknown): unknown {
  if (Array.isArray(value)) {
    const out: unknown[] = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) if (i in value) out[i] = copyContainers(value[i]);
    return out;
  }
  if (typeof value !== 'object' || value === null) return value;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  const out = Object.create(proto as object | null) as Record<string, unknown>;
  for (const key of Object.keys(value)) {
    Object.defineProperty(out, key, { value: copyContainers((value as Record<string, unknown>)[key]), enumerable: true, configurable: true, writable: true });
  }
  return out;
}

/** The value to put `depthAbove` containers deep into `root`, deep nesting and huge strings sized for the place. */
export function resolveHostile(value: unknown, depthAbove: number, root: unknown): unknown {
  if (value instanceof DeepValue) return value.build(depthAbove);
  if (value instanceof HugeString) return value.build(estimateJsonBytes(root), MAX_OBJECT_BYTES);
  return copyContainers(value);
}

class Widget {
  readonly size = 3;
  readonly label = 'widget';
}

function withOwnKey(key: string, value: unknown): Record<string, unknown> {
  const object: Record<string, unknown> = { a: 'b' };
  Object.defineProperty(object, key, { value, enumerable: true, configurable: true, writable: true });
  return object;
}

const small = fc.oneof(fc.string({ maxLength: 8 }), fc.integer({ min: -1000, max: 1000 }), fc.boolean(), fc.constant(null));

/** Strings whose bytes are awkward: lone surrogates, NUL, BOM, control characters, long runs. */
export const awkwardString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 16 }),
  fc.constantFrom('\ud800', 'a\udc00b', '\u0000', '\ufeff', '\u2028\u2029', '\x7f\x1b[31m', '../../etc/passwd', '%00', '${x}', '{{.}}', '0x10', '1e3', '-0', 'NaN', 'Infinity', '~', '*', '&a', '!!binary', '<<'),
  fc.integer({ min: 1000, max: 100_000 }).map((n) => 'y'.repeat(n)),
);

const specialNumber = fc.constantFrom(NaN, Infinity, -Infinity, -0, 2 ** 53, 2 ** 53 + 2, -(2 ** 53) - 2, 1e308, -1e308, 5e-324, 2 ** 31, 2 ** 31 - 1, -(2 ** 31) - 1, 2 ** 32, 2 ** 63, 2 ** 64, 1.5, -1, 0.1 + 0.2, 1e21, 123456789.123);

const bigint = fc.oneof(
  fc.constantFrom(0n, 1n, -1n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 64n - 1n, 2n ** 64n, 10n ** 30n, -(10n ** 30n)),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
);

const typedArray = fc.tuple(fc.array(fc.integer({ min: -200, max: 300 }), { maxLength: 6 }), fc.nat(10)).map(([numbers, which]): unknown => {
  switch (which) {
    case 0:
      return Buffer.from(numbers.map((n) => n & 0xff));
    case 1:
      return new Uint8Array(numbers);
    case 2:
      return new Int8Array(numbers);
    case 3:
      return new Uint16Array(numbers);
    case 4:
      return new Int32Array(numbers);
    case 5:
      return new Float32Array(numbers.map((n) => n / 3));
    case 6:
      return new Float64Array(numbers.map((n) => n / 7));
    case 7:
      return new BigInt64Array(numbers.map((n) => BigInt(n)));
    case 8:
      return new Uint8ClampedArray(numbers);
    case 9:
      return new Uint8Array(numbers).buffer;
    default:
      return new DataView(new Uint8Array(numbers).buffer);
  }
});

const jsObject = fc.oneof(
  fc.array(small, { maxLength: 4 }).map((items) => new Set(items)),
  fc.array(fc.tuple(fc.oneof(fc.string({ maxLength: 6 }), fc.integer()), small), { maxLength: 4 }).map((entries) => new Map<unknown, unknown>(entries)),
  fc.oneof(fc.date(), fc.constant(new Date(NaN))),
  fc.string({ maxLength: 12 }).map((message) => new Error(message)),
  fc.string({ maxLength: 12 }).map((message) => new RangeError(message)),
  fc.constant(/x+/g),
  fc.constant(new Widget()),
  fc.constantFrom<unknown>(new String('boxed'), new Number(7), new Boolean(false), Object(5n)),
  fc.dictionary(fc.string({ maxLength: 6 }), small, { maxKeys: 3 }).map((entries) => Object.assign(Object.create(null) as object, entries)),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '$patch', '').chain((key) => small.map((value) => withOwnKey(key, value))),
  fc.constant(JSON.parse('{"__proto__":{"polluted":true},"a":1}') as unknown),
  fc.nat(5).map((hole) => {
    const sparse: unknown[] = ['a', 'b'];
    sparse[2 + hole] = 'after a hole';
    return sparse;
  }),
  fc.constant([undefined]),
);

const deep = fc.tuple(fc.constantFrom(99, 100, 101, 102, 150, 1000), fc.constantFrom<DeepValue['shape']>('array', 'object', 'mixed')).map(([depth, shape]) => new DeepValue(depth, shape));
const huge = fc.tuple(fc.constantFrom(-4096, -300, -50, 0, 50, 300, 4096), fc.boolean()).map(([slack, wide]) => new HugeString(slack, wide));

/** JSON values a field may get by mistake: the right type sometimes, the wrong type often. */
export const jsonish = fc.oneof(
  { weight: 6, arbitrary: small },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>({}, [], '', 0, '0', 'true', [null], { '': '' }, '2024-05-01T10:00:00Z', '1Gi', '500m', 'TCP', 'default') },
);

/**
 * Any value of any type. Huge strings and very deep nesting are rare: each costs a few hundred
 * milliseconds of encoding and reading back.
 */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 20, arbitrary: jsonish },
  { weight: 4, arbitrary: specialNumber },
  { weight: 4, arbitrary: bigint },
  { weight: 6, arbitrary: jsObject },
  { weight: 3, arbitrary: typedArray },
  { weight: 3, arbitrary: awkwardString },
  { weight: 2, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: deep },
  { weight: 1, arbitrary: fc.nat(9).chain((n): fc.Arbitrary<DeepValue | HugeString> => (n === 0 ? huge : deep)) },
);

/** Keys a client may add: the kind's own field names, metadata's, directives, and junk. */
export const hostileKey = fc.oneof(
  fc.constantFrom('apiVersion', 'kind', 'metadata', 'spec', 'status', 'data', 'binaryData', 'stringData', 'type', 'items', 'subsets', 'endpoints', 'ports', 'containers', 'selector', 'template'),
  fc.constantFrom('name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields', 'generateName', 'selfLink'),
  fc.constantFrom('__proto__', 'constructor', 'prototype', '', ' ', '$patch', '$retainKeys', '$setElementOrder/containers', '<<', '0', '-1', 'a.b', 'a/b', 'a~1b', '🙂'),
  fc.string({ maxLength: 10 }),
);
