// Query parameters of list and watch requests, checked as the apiserver checks them.
import { errors } from '../../../lib/api/status.js';
import { tooLargeResourceVersion } from './wait-for-revision.js';

export type ResourceVersionMatch = 'NotOlderThan' | 'Exact' | undefined;

export interface ListOptions {
  labelSelector: string;
  fieldSelector: string;
  limit: number;
  continue: string;
  resourceVersion: string;
  resourceVersionMatch: ResourceVersionMatch;
  allowWatchBookmarks: boolean;
  timeoutSeconds: number | undefined;
  sendInitialEvents: boolean | undefined;
}

function single(query: Record<string, unknown>, name: string): string {
  const value = query[name];
  if (Array.isArray(value)) return String(value[value.length - 1] ?? '');
  return value === undefined ? '' : String(value);
}

function flag(query: Record<string, unknown>, name: string): boolean | undefined {
  const value = single(query, name);
  if (value === '') return undefined;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw errors.badRequest(`invalid boolean value for ${name}: ${JSON.stringify(value)}`);
}

function nonNegativeInteger(query: Record<string, unknown>, name: string): number | undefined {
  const value = single(query, name);
  if (value === '') return undefined;
  if (!/^\d+$/.test(value)) throw errors.badRequest(`invalid value for ${name}: ${JSON.stringify(value)}: must be a non-negative integer`);
  return Number(value);
}

/**
 * Parses "123" → 123; "" → undefined; anything else is a 400 as Kubernetes answers it. Revisions
 * are counted in JavaScript numbers, so one beyond 2^53 can only be a revision the store never
 * reaches: it is answered as too large at once rather than rounded to a revision that exists.
 */
export function parseResourceVersion(text: string): number | undefined {
  if (text === '') return undefined;
  if (!/^\d+$/.test(text)) throw errors.badRequest(`Invalid value: ${JSON.stringify(text)}: resourceVersion must be a non-negative integer`);
  const revision = Number(text);
  if (!Number.isSafeInteger(revision)) throw tooLargeResourceVersion(text.replace(/^0+(?=\d)/, ''));
  return revision;
}

export function parseListOptions(query: Record<string, unknown>): ListOptions {
  const resourceVersionMatch = single(query, 'resourceVersionMatch');
  if (resourceVersionMatch !== '' && resourceVersionMatch !== 'NotOlderThan' && resourceVersionMatch !== 'Exact') {
    throw errors.badRequest(`resourceVersionMatch: Unsupported value: ${JSON.stringify(resourceVersionMatch)}: supported values: "Exact", "NotOlderThan", ""`);
  }
  const options: ListOptions = {
    labelSelector: single(query, 'labelSelector'),
    fieldSelector: single(query, 'fieldSelector'),
    limit: nonNegativeInteger(query, 'limit') ?? 0,
    continue: single(query, 'continue'),
    resourceVersion: single(query, 'resourceVersion'),
    resourceVersionMatch: resourceVersionMatch === '' ? undefined : resourceVersionMatch,
    allowWatchBookmarks: flag(query, 'allowWatchBookmarks') ?? false,
    timeoutSeconds: nonNegativeInteger(query, 'timeoutSeconds'),
    sendInitialEvents: flag(query, 'sendInitialEvents'),
  };
  parseResourceVersion(options.resourceVersion);
  // A watch-list (sendInitialEvents) may ask for NotOlderThan the latest state, without a resourceVersion.
  if (options.resourceVersionMatch !== undefined && options.resourceVersion === '' && options.sendInitialEvents === undefined) {
    throw errors.badRequest('resourceVersionMatch is forbidden unless resourceVersion is provided');
  }
  if (options.continue !== '' && options.resourceVersion !== '' && options.resourceVersion !== '0') {
    throw errors.badRequest('specifying resource version is not allowed when using continue');
  }
  if (options.resourceVersionMatch === 'Exact' && options.resourceVersion === '0') {
    throw errors.badRequest('resourceVersionMatch "exact" is forbidden for resourceVersion "0"');
  }
  return options;
}
