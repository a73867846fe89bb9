// When a CronJob's schedule fires, as Kubernetes' cron library (robfig/cron/v3's standard parser)
// reads it: five fields (minute, hour, day of month, month, day of week) of lists, ranges, steps
// and month/weekday names, the @yearly-style descriptors, and an optional CRON_TZ= or TZ= prefix.
// Day of month and day of week both restricted means either may match; when one is "*" or "?" both
// must. Times are evaluated in the CronJob's time zone (IANA names through Intl), UTC by default.
// The apiserver has validated the text; what cannot be read throws.

const DESCRIPTORS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const NAMES: Readonly<Record<string, number>> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
  sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6,
};

const BOUNDS: readonly [number, number][] = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 6]];
const MINUTE_MS = 60_000;
/** Hours searched for the next time before giving up (five years). */
const SEARCH_HOURS = 5 * 366 * 24;

interface Field {
  values: Set<number>;
  /** The field was "*" or "?" (no step): day fields then combine with AND. */
  star: boolean;
}

interface WallClock {
  minute: number;
  hour: number;
  day: number;
  month: number;
  weekday: number;
}

function number(text: string): number {
  const named = NAMES[text.toLowerCase()];
  if (named !== undefined) return named;
  if (!/^\d+$/.test(text)) throw new Error(`failed to parse int from ${text}`);
  return Number(text);
}

function parseField(text: string, [min, max]: [number, number]): Field {
  const values = new Set<number>();
  let star = false;
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/') as [string, string | undefined];
    const step = stepText === undefined ? 1 : number(stepText);
    if (step < 1) throw new Error(`step of range should be a positive number: ${part}`);
    let first: number;
    let last: number;
    if (range === '*' || range === '?') {
      [first, last] = [min, max];
      if (stepText === undefined) star = true;
    } else {
      const [low, high] = range.split('-') as [string, string | undefined];
      first = number(low);
      last = high === undefined ? (stepText === undefined ? first : max) : number(high);
    }
    if (first < min || last > max || first > last) throw new Error(`range out of bounds: ${part}`);
    for (let v = first; v <= last; v += step) values.add(v);
  }
  return { values, star };
}

function wallClockIn(timeZone: string): (ms: number) => WallClock {
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') {
    return (ms) => {
      const d = new Date(ms);
      return { minute: d.getUTCMinutes(), hour: d.getUTCHours(), day: d.getUTCDate(), month: d.getUTCMonth() + 1, weekday: d.getUTCDay() };
    };
  }
  const format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', weekday: 'short' });
  return (ms) => {
    const parts = Object.fromEntries(format.formatToParts(ms).map((p) => [p.type, p.value]));
    return { minute: Number(parts.minute), hour: Number(parts.hour) % 24, day: Number(parts.day), month: Number(parts.month), weekday: NAMES[String(parts.weekday).toLowerCase()] ?? 0 };
  };
}

export interface Schedule {
  /** The first time the schedule fires strictly after `afterMs` (ms since the epoch), or undefined. */
  next(afterMs: number): number | undefined;
}

/** Reads a schedule; `timeZone` is spec.timeZone (a CRON_TZ=/TZ= prefix wins). Throws on a bad schedule or zone. */
export function parseSchedule(text: string, timeZone = 'UTC'): Schedule {
  let body = text.trim();
  const prefix = /^(?:CRON_TZ|TZ)=(\S+)\s+(.*)$/.exec(body);
  if (prefix) [timeZone, body] = [prefix[1]!, prefix[2]!];
  body = DESCRIPTORS[body] ?? body;
  const words = body.split(/\s+/);
  if (words.length !== 5) throw new Error(`expected exactly 5 fields, found ${words.length}: ${text}`);
  const [minute, hour, day, month, weekday] = words.map((w, i) => parseField(w, BOUNDS[i]!)) as [Field, Field, Field, Field, Field];
  const wallClock = wallClockIn(timeZone);
  const dayMatches = (c: WallClock): boolean => {
    const dom = day.values.has(c.day);
    const dow = weekday.values.has(c.weekday);
    return day.star || weekday.star ? dom && dow : dom || dow;
  };
  return {
    next(afterMs) {
      let t = Math.floor(afterMs / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
      for (let hours = 0; hours < SEARCH_HOURS; ) {
        const c = wallClock(t);
        if (!month.values.has(c.month) || !dayMatches(c) || !hour.values.has(c.hour)) {
          t += (60 - c.minute) * MINUTE_MS;
          hours++;
          continue;
        }
        if (minute.values.has(c.minute)) return t;
        t += MINUTE_MS;
      }
      return undefined;
    },
  };
}
