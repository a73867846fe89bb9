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
