// Resource quantities ("500m", "1.5Gi", "12e6") as apimachinery's resource.Quantity parses,
// compares and prints them. Values are exact decimals (a BigInt scaled by a power of ten),
// never floats, so "0.1" + "0.2" style rounding cannot creep into comparisons.

export type QuantityFormat = 'DecimalExponent' | 'BinarySI' | 'DecimalSI';

export interface Quantity {
  /** value = unscaled × 10^-scale */
  readonly unscaled: bigint;
  readonly scale: number;
  readonly format: QuantityFormat;
}

const FORMAT_RE = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';

export class QuantityError extends Error {}

const errFormatWrong = (): QuantityError => new QuantityError(`quantities must match the regular expression '${FORMAT_RE}'`);
const errSuffix = (): QuantityError => new QuantityError("unable to parse quantity's suffix");

const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const SUFFIX_CHARS = 'eEinumkKMGTP';
const NANO_SCALE = 9;
const MAX_INT64 = (1n << 63n) - 1n;

function interpretSuffix(suffix: string): { base: 2 | 10; exponent: number; format: QuantityFormat } {
  if (Object.hasOwn(DECIMAL_SUFFIXES, suffix)) return { base: 10, exponent: DECIMAL_SUFFIXES[suffix]!, format: 'DecimalSI' };
  if (Object.hasOwn(BINARY_SUFFIXES, suffix)) return { base: 2, exponent: BINARY_SUFFIXES[suffix]!, format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[+-]?[0-9]+$/.test(suffix.slice(1))) {
    const exponent = Number(suffix.slice(1));
    if (Number.isSafeInteger(exponent) && Math.abs(exponent) <= 1000) return { base: 10, exponent, format: 'DecimalExponent' };
  }
  throw errSuffix();
}

/** Splits "-1.5Gi" into sign, integer digits, fraction digits and suffix, as Go's scanner does. */
function scan(text: string): { negative: boolean; whole: string; fraction: string; suffix: string } {
  let pos = 0;
  let negative = false;
  if (text[0] === '-' || text[0] === '+') {
    negative = text[0] === '-';
    pos = 1;
  }
  const wholeStart = pos;
  while (pos < text.length && text[pos]! >= '0' && text[pos]! <= '9') pos++;
  const whole = text.slice(wholeStart, pos);
  let fraction = '';
  if (text[pos] === '.') {
    const start = ++pos;
    while (pos < text.length && text[pos]! >= '0' && text[pos]! <= '9') pos++;
    fraction = text.slice(start, pos);
  }
  const suffixStart = pos;
  while (pos < text.length && SUFFIX_CHARS.includes(text[pos]!)) pos++;
  if (text[pos] === '-' || text[pos] === '+') pos++;
  while (pos < text.length && text[pos]! >= '0' && text[pos]! <= '9') pos++;
  if (pos < text.length) throw errFormatWrong();
  return { negative, whole, fraction, suffix: text.slice(suffixStart) };
}

/** Divides rounding away from zero, as inf.RoundUp does. */
function divRoundUp(n: bigint, d: bigint): bigint {
  const q = n / d;
  return n % d === 0n ? q : n < 0n ? q - 1n : q + 1n;
}

export function parseQuantity(input: string | number): Quantity {
  const text = typeof input === 'number' ? String(input) : input;
  if (text.length === 0) throw errFormatWrong();
  if (text === '0') return { unscaled: 0n, scale: 0, format: 'DecimalSI' };
  const { negative, whole, fraction, suffix } = scan(text);
  const { base, exponent, format: parsedFormat } = interpretSuffix(suffix);
  let unscaled = BigInt(`${whole || '0'}${fraction}`);
  let scale = fraction.length;
  if (base === 10) scale -= exponent;
  else unscaled *= 1n << BigInt(exponent);
  if (scale < 0) {
    unscaled *= 10n ** BigInt(-scale);
    scale = 0;
  }
  if (scale > NANO_SCALE) {
    unscaled = divRoundUp(unscaled, 10n ** BigInt(scale - NANO_SCALE));
    scale = NANO_SCALE;
  }
  let format = parsedFormat;
  if (format === 'BinarySI') {
    const max = MAX_INT64 * 10n ** BigInt(scale);
    if (unscaled > max) unscaled = max;
    const one = 10n ** BigInt(scale);
    if (unscaled > 0n && unscaled < one) format = 'DecimalSI';
  }
  return { unscaled: negative ? -unscaled : unscaled, scale, format };
}

/** Parses, or returns the parse error's message. */
export function tryParseQuantity(input: unknown): Quantity | string {
  if (typeof input !== 'string' && typeof input !== 'number') return errFormatWrong().message;
  try {
    return parseQuantity(input);
  } catch (error) {
    return error instanceof QuantityError ? error.message : String(error);
  }
}

function aligned(a: Quantity, b: Quantity): [bigint, bigint] {
  const scale = Math.max(a.scale, b.scale);
  return [a.unscaled * 10n ** BigInt(scale - a.scale), b.unscaled * 10n ** BigInt(scale - b.scale)];
}

export function compareQuantities(a: Quantity, b: Quantity): -1 | 0 | 1 {
  const [x, y] = aligned(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function isZeroQuantity(q: Quantity): boolean {
  return q.unscaled === 0n;
}

export function isNegativeQuantity(q: Quantity): boolean {
  return q.unscaled < 0n;
}

/** The value scaled to 10^-scale, rounded away from zero (Quantity.ScaledValue). */
function scaledValue(q: Quantity, scale: number): bigint {
  if (scale >= q.scale) return q.unscaled * 10n ** BigInt(scale - q.scale);
  return divRoundUp(q.unscaled, 10n ** BigInt(q.scale - scale));
}

/** Quantity.Value(): the integer value, rounded up. */
export function quantityValue(q: Quantity): bigint {
  return scaledValue(q, 0);
}

/** Quantity.MilliValue(). */
export function quantityMilliValue(q: Quantity): bigint {
  return scaledValue(q, 3);
}

/** Rounds to `scale` decimal places, away from zero (Quantity.RoundUp with a negative scale). */
export function roundUpQuantity(q: Quantity, scale: number): Quantity {
  if (q.scale <= scale) return q;
  return { ...q, unscaled: scaledValue(q, scale), scale };
}

const DECIMAL_SUFFIX_BY_EXPONENT = new Map(Object.entries(DECIMAL_SUFFIXES).map(([s, e]) => [e, s]));
const BINARY_SUFFIX_BY_EXPONENT = new Map<number, string>([[0, ''], ...Object.entries(BINARY_SUFFIXES).map(([s, e]) => [e, s] as [number, string])]);

/** The canonical text: the largest suffix that keeps the number whole, in the parsed format. */
export function formatQuantity(q: Quantity): string {
  if (q.unscaled === 0n) return '0';
  let format = q.format;
  if (format === 'BinarySI') {
    const one = 10n ** BigInt(q.scale);
    const abs = q.unscaled < 0n ? -q.unscaled : q.unscaled;
    if (abs < 1024n * one || abs % one !== 0n) format = 'DecimalSI';
  }
  if (format === 'BinarySI') {
    let n = q.unscaled / 10n ** BigInt(q.scale);
    let exponent = 0;
    while (exponent < 60 && n % 1024n === 0n) {
      n /= 1024n;
      exponent += 10;
    }
    return `${n}${BINARY_SUFFIX_BY_EXPONENT.get(exponent)}`;
  }
  let mantissa = q.unscaled;
  let exponent = -q.scale;
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    exponent++;
  }
  const shift = ((exponent % 3) + 3) % 3;
  mantissa *= 10n ** BigInt(shift);
  exponent -= shift;
  if (format === 'DecimalExponent') return exponent === 0 ? `${mantissa}` : `${mantissa}e${exponent}`;
  const suffix = DECIMAL_SUFFIX_BY_EXPONENT.get(exponent);
  return suffix === undefined ? `${mantissa}e${exponent}` : `${mantissa}${suffix}`;
}

/** a + b in a's format, or b's when a is zero (Quantity.Add). */
export function addQuantities(a: Quantity, b: Quantity): Quantity {
  const [x, y] = aligned(a, b);
  return { unscaled: x + y, scale: Math.max(a.scale, b.scale), format: a.unscaled === 0n ? b.format : a.format };
}

/**
 * The text Kubernetes stores for a parsable quantity: canonical form, and for resource lists
 * (requests, limits, capacity) first rounded up to milli precision. Undefined when unparsable.
 */
export function canonicalQuantity(input: unknown, roundToMilli = false): string | undefined {
  const q = tryParseQuantity(input);
  if (typeof q === 'string') return undefined;
  return formatQuantity(roundToMilli ? roundUpQuantity(q, 3) : q);
}
