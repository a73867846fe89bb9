// Go's time.Duration.String(), the JSON form of metav1.Duration: "1h2m3.5s", "1.5ms", "0s".
// Nanosecond counts are int64, so the arithmetic is done on bigint.

const SECOND = 1_000_000_000n;

/** The digits of `value mod 10^precision` after a decimal point, trailing zeros dropped. */
function fraction(value: bigint, precision: number): string {
  const digits = (value % 10n ** BigInt(precision)).toString().padStart(precision, '0').replace(/0+$/, '');
  return digits === '' ? '' : `.${digits}`;
}

export function formatGoDuration(nanoseconds: bigint): string {
  if (nanoseconds === 0n) return '0s';
  const negative = nanoseconds < 0n;
  const u = negative ? -nanoseconds : nanoseconds;
  let text: string;
  if (u < SECOND) {
    // Below a second Go switches to the largest unit that keeps an integer part.
    if (u < 1_000n) text = `${u}ns`;
    else if (u < 1_000_000n) text = `${u / 1_000n}${fraction(u, 3)}µs`;
    else text = `${u / 1_000_000n}${fraction(u, 6)}ms`;
  } else {
    const seconds = u / SECOND;
    text = `${seconds % 60n}${fraction(u, 9)}s`;
    const minutes = seconds / 60n;
    if (minutes > 0n) {
      text = `${minutes % 60n}m${text}`;
      const hours = minutes / 60n;
      if (hours > 0n) text = `${hours}h${text}`;
    }
  }
  return negative ? `-${text}` : text;
}

const UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n, // U+00B5 micro sign
  'μs': 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: SECOND,
  m: 60n * SECOND,
  h: 3600n * SECOND,
};

const MAX_MAGNITUDE = 1n << 63n;
const DIGIT = /[0-9]/;

/**
 * Go's time.ParseDuration, the reading of metav1.Duration's JSON form: "1h2m3.5s" → nanoseconds,
 * or undefined when Go would refuse the text. Fractions go through float64 as they do in Go, so
 * the nanosecond a long fraction rounds to is the one Go picks.
 */
export function parseGoDuration(text: string): bigint | undefined {
  let rest = text;
  let negative = false;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    negative = rest[0] === '-';
    rest = rest.slice(1);
  }
  if (rest === '0') return 0n;
  if (rest === '') return undefined;
  let total = 0n;
  while (rest !== '') {
    const number = /^([0-9]*)(?:\.([0-9]*))?/.exec(rest)!;
    const [consumed, whole = '', fraction] = number;
    if (whole === '' && (fraction === undefined || fraction === '')) return undefined;
    rest = rest.slice(consumed.length);
    let unitEnd = 0;
    while (unitEnd < rest.length && rest[unitEnd] !== '.' && !DIGIT.test(rest[unitEnd]!)) unitEnd++;
    const unit = UNITS[rest.slice(0, unitEnd)];
    if (unit === undefined) return undefined;
    rest = rest.slice(unitEnd);
    let value = whole === '' ? 0n : BigInt(whole);
    if (value > MAX_MAGNITUDE / unit) return undefined;
    value *= unit;
    const { digits, scale } = leadingFraction(fraction ?? '');
    if (digits > 0n) {
      value += BigInt(Math.trunc(Number(digits) * (Number(unit) / scale)));
      if (value > MAX_MAGNITUDE) return undefined;
    }
    total += value;
    if (total > MAX_MAGNITUDE) return undefined;
  }
  if (negative) return -total;
  return total > MAX_MAGNITUDE - 1n ? undefined : total;
}

/** The fraction's digits as an integer and 10^count, ignoring digits past what int64 holds (as Go does). */
function leadingFraction(fraction: string): { digits: bigint; scale: number } {
  let digits = 0n;
  let scale = 1;
  for (const char of fraction) {
    if (digits > (MAX_MAGNITUDE - 1n) / 10n) break;
    const next = digits * 10n + BigInt(char);
    if (next > MAX_MAGNITUDE) break;
    digits = next;
    scale *= 10;
  }
  return { digits, scale };
}
