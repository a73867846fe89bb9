// The query of a container log request (PodLogOptions as the kubelet's /containerLogs and the
// apiserver's pods/log read it): follow, previous, timestamps, tailLines, sinceSeconds,
// sinceTime, limitBytes. A bad value is a 400 Status in Kubernetes' words.
import { errors } from './status.js';

export interface LogOptions {
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  tailLines?: number;
  /** Lines written before this time (ms since the epoch) are left out. */
  sinceMs?: number;
  limitBytes?: number;
}

function single(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  const last = Array.isArray(value) ? value[value.length - 1] : value;
  return last === undefined ? undefined : String(last);
}

function flag(query: Record<string, unknown>, name: string): boolean {
  const text = single(query, name);
  if (text === undefined || text === '' || text === 'false' || text === '0') return false;
  if (text === 'true' || text === '1') return true;
  throw errors.badRequest(`${name}: Invalid value: ${JSON.stringify(text)}: must be a boolean`);
}

function integer(query: Record<string, unknown>, name: string, min: number): number | undefined {
  const text = single(query, name);
  if (text === undefined || text === '') return undefined;
  if (!/^-?\d+$/.test(text)) throw errors.badRequest(`${name}: Invalid value: ${JSON.stringify(text)}: must be an integer`);
  const value = Number(text);
  if (value < min) throw errors.badRequest(`${name}: Invalid value: ${value}: must be greater than or equal to ${min}`);
  return value;
}

export function parseLogOptions(query: Record<string, unknown>, now = Date.now()): LogOptions {
  const options: LogOptions = { follow: flag(query, 'follow'), previous: flag(query, 'previous'), timestamps: flag(query, 'timestamps') };
  const tailLines = integer(query, 'tailLines', 0);
  if (tailLines !== undefined) options.tailLines = tailLines;
  const limitBytes = integer(query, 'limitBytes', 1);
  if (limitBytes !== undefined) options.limitBytes = limitBytes;
  const sinceSeconds = integer(query, 'sinceSeconds', 1);
  const sinceTime = single(query, 'sinceTime');
  if (sinceSeconds !== undefined && sinceTime !== undefined) throw errors.badRequest('at most one of sinceTime or sinceSeconds may be specified');
  if (sinceSeconds !== undefined) options.sinceMs = now - sinceSeconds * 1000;
  if (sinceTime !== undefined) {
    const ms = Date.parse(sinceTime);
    if (Number.isNaN(ms)) throw errors.badRequest(`sinceTime: Invalid value: ${JSON.stringify(sinceTime)}: must be an RFC 3339 time`);
    options.sinceMs = ms;
  }
  return options;
}

/** The same options as a query string (what the apiserver forwards to the kubelet). */
export function logQuery(options: LogOptions): URLSearchParams {
  const query = new URLSearchParams();
  if (options.follow) query.set('follow', 'true');
  if (options.previous) query.set('previous', 'true');
  if (options.timestamps) query.set('timestamps', 'true');
  if (options.tailLines !== undefined) query.set('tailLines', String(options.tailLines));
  if (options.limitBytes !== undefined) query.set('limitBytes', String(options.limitBytes));
  if (options.sinceMs !== undefined) query.set('sinceTime', new Date(options.sinceMs).toISOString());
  return query;
}
