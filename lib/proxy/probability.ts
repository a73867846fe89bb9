// kube-proxy's statistic probabilities: 1/n printed as Go's "%0.10f" does, the exact binary
// value rounded half to even (Number#toFixed rounds ties up: 1/2048 would differ).

const cache: string[] = [];

function exactFixed10(x: number): string {
  // x = mantissa / 2^exponent exactly, for 0 < x <= 1.
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biasedExponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = biasedExponent === 0 ? fraction : fraction | (1n << 52n);
  const shift = 1075 - Math.max(biasedExponent, 1); // x = mantissa / 2^shift
  const scaled = mantissa * 10n ** 10n;
  const denominator = 1n << BigInt(shift);
  let quotient = scaled / denominator;
  const twiceRemainder = (scaled % denominator) * 2n;
  if (twiceRemainder > denominator || (twiceRemainder === denominator && quotient % 2n === 1n)) quotient += 1n;
  const digits = quotient.toString().padStart(11, '0');
  return `${digits.slice(0, -10)}.${digits.slice(-10)}`;
}

export function probability(n: number): string {
  let value = cache[n];
  if (value === undefined) {
    value = exactFixed10(1 / n);
    cache[n] = value;
  }
  return value;
}
