// CronJob schedules as Kubernetes parses them (github.com/robfig/cron/v3's standard parser: five
// fields, ranges, steps, month and weekday names, and the @hourly-style descriptors), returning the
// parser's own error text, which Kubernetes puts in its 422 message.

interface Bounds {
  min: number;
  max: number;
  names?: Readonly<Record<string, number>>;
}

const MINUTES: Bounds = { min: 0, max: 59 };
const HOURS: Bounds = { min: 0, max: 23 };
const DAYS_OF_MONTH: Bounds = { min: 1, max: 31 };
const MONTHS: Bounds = {
  min: 1,
  max: 12,
  names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 },
};
const DAYS_OF_WEEK: Bounds = { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } };
const FIELDS = [MINUTES, HOURS, DAYS_OF_MONTH, MONTHS, DAYS_OF_WEEK];

const DESCRIPTORS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

class ScheduleError extends Error {}

/** strconv.Atoi: an optional sign, then decimal digits. */
function parseUint(expr: string): number {
  if (!/^[+-]?[0-9]+$/.test(expr)) throw new ScheduleError(`failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: invalid syntax`);
  const value = Number(expr);
  if (value < 0) throw new ScheduleError(`negative number (${value}) not allowed: ${expr}`);
  return value;
}

function parseIntOrName(expr: string, bounds: Bounds): number {
  const named = bounds.names?.[expr.toLowerCase()];
  return named ?? parseUint(expr);
}

function checkRange(expr: string, bounds: Bounds): void {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0]!.split('-');
  let start: number;
  let end: number;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = bounds.min;
    end = bounds.max;
  } else {
    start = parseIntOrName(lowAndHigh[0]!, bounds);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1]!, bounds);
    else throw new ScheduleError(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = parseUint(rangeAndStep[1]!);
    // "N/step" means "N-max/step".
    if (lowAndHigh.length === 1) end = bounds.max;
  } else if (rangeAndStep.length > 2) {
    throw new ScheduleError(`too many slashes: ${expr}`);
  }
  if (start < bounds.min) throw new ScheduleError(`beginning of range (${start}) below minimum (${bounds.min}): ${expr}`);
  if (end > bounds.max) throw new ScheduleError(`end of range (${end}) above maximum (${bounds.max}): ${expr}`);
  if (start > end) throw new ScheduleError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new ScheduleError(`step of range should be a positive number: ${expr}`);
}

const DURATION_UNITS = new Set(['ns', 'us', 'µs', 'μs', 'ms', 's', 'm', 'h']);

/** Whether Go's time.ParseDuration accepts `text` ("1h30m", "90s", "-1.5h"). */
function isGoDuration(text: string): boolean {
  if (text === '0') return true;
  const body = text.replace(/^[+-]/, '');
  if (body === '') return false;
  const parts = body.match(/([0-9]*\.?[0-9]*)([a-zµμ]+)/g);
  if (!parts || parts.join('') !== body) return false;
  return parts.every((part) => {
    const [, number, unit] = /^([0-9]*\.?[0-9]*)([a-zµμ]+)$/.exec(part)!;
    return number !== '' && number !== '.' && DURATION_UNITS.has(unit!);
  });
}

function parseDescriptor(spec: string): void {
  if (DESCRIPTORS.has(spec)) return;
  const every = '@every ';
  if (spec.startsWith(every)) {
    const duration = spec.slice(every.length);
    if (!isGoDuration(duration)) throw new ScheduleError(`failed to parse duration ${spec}: time: invalid duration ${JSON.stringify(duration)}`);
    return;
  }
  throw new ScheduleError(`unrecognized descriptor: ${spec}`);
}

/** The parser's error for a schedule, or undefined when it parses. A TZ= prefix is left to the caller. */
export function cronScheduleError(schedule: string): string | undefined {
  try {
    let spec = schedule;
    if (spec.length === 0) throw new ScheduleError('empty spec string');
    if (spec.startsWith('TZ=') || spec.startsWith('CRON_TZ=')) {
      const space = spec.indexOf(' ');
      const zone = spec.slice(spec.indexOf('=') + 1, space < 0 ? undefined : space);
      if (space < 0 || !isTimeZone(zone)) throw new ScheduleError(`provided bad location ${zone}: unknown time zone ${zone}`);
      spec = spec.slice(space).trim();
    }
    if (spec.startsWith('@')) {
      parseDescriptor(spec);
      return undefined;
    }
    const fields = spec.split(/\s+/).filter((f) => f !== '');
    if (fields.length !== FIELDS.length) throw new ScheduleError(`expected exactly ${FIELDS.length} fields, found ${fields.length}: [${fields.join(' ')}]`);
    fields.forEach((field, i) => {
      for (const expr of field.split(',').filter((e) => e !== '')) checkRange(expr, FIELDS[i]!);
    });
    return undefined;
  } catch (error) {
    if (error instanceof ScheduleError) return error.message;
    throw error;
  }
}

let knownZones: Set<string> | undefined;

/**
 * Whether Go's time.LoadLocation would find `zone` in the IANA database. Node's ICU knows the same
 * database; its lookups ignore case where Go's (file names) do not, so a zone it lists must be
 * spelled as listed.
 */
export function isTimeZone(zone: string): boolean {
  if (zone === 'UTC') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    return false;
  }
  knownZones ??= new Set(Intl.supportedValuesOf('timeZone'));
  if (knownZones.has(zone)) return true;
  const lower = zone.toLowerCase();
  return ![...knownZones].some((known) => known.toLowerCase() === lower);
}
