// Reads the JSON forms of metav1.Time and metav1.MicroTime ("2024-05-01T10:00:00Z",
// "2024-05-01T10:00:00.123456Z") back into what their protobuf messages carry: Unix seconds and
// nanoseconds, as Go's time.Parse(time.RFC3339) reads them. The year range is Go's JSON range,
// 0001 to 9999, which Date cannot reach through Date.UTC (it maps years 0-99 to 1900-1999).
// Laxer than Go in one way: any fraction of up to nine digits is read for both (Go wants exactly
// six for MicroTime), since what reaches the wire is cut to each type's precision anyway.

export interface GoTimestamp {
  seconds: number;
  nanos: number;
}

/** Go's zero time.Time, 0001-01-01T00:00:00Z, in Unix seconds: its proto form is an empty message. */
export const GO_ZERO_TIME_SECONDS = -62135596800;

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/** The instant an RFC 3339 time names, or undefined when `text` is not one. */
export function parseGoTime(text: string): GoTimestamp | undefined {
  const match = RFC3339.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  // A day past the month's end rolls over in Date; Go refuses it.
  if (date.getUTCDate() !== day) return undefined;
  let seconds = date.getTime() / 1000 + hour * 3600 + minute * 60 + second;
  if (match[8] !== undefined) {
    const offset = Number(match[9]) * 3600 + Number(match[10]) * 60;
    seconds -= match[8] === '+' ? offset : -offset;
  }
  const nanos = match[7] === undefined ? 0 : Number(match[7].padEnd(9, '0'));
  return { seconds, nanos };
}

export function isGoZeroTime(time: GoTimestamp): boolean {
  return time.seconds === GO_ZERO_TIME_SECONDS && time.nanos === 0;
}
