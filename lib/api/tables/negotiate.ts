// Reading a request's wish for a Table: the Accept header kubectl sends and the includeObject
// query parameter.
import { errors } from '../status.js';
import type { IncludeObject } from './types.js';

interface MediaRange {
  type: string;
  params: Map<string, string>;
  q: number;
}

function parseAccept(accept: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const clause of accept.split(',')) {
    const [type = '', ...rest] = clause.split(';').map((part) => part.trim());
    if (type === '') continue;
    const params = new Map<string, string>();
    for (const param of rest) {
      const eq = param.indexOf('=');
      if (eq > 0) params.set(param.slice(0, eq).trim().toLowerCase(), param.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1'));
    }
    const q = params.has('q') ? Number(params.get('q')) : 1;
    ranges.push({ type: type.toLowerCase(), params, q: Number.isNaN(q) ? 0 : q });
  }
  // Array.prototype.sort is stable: equal preferences keep the client's order.
  return ranges.filter((r) => r.q > 0).sort((a, b) => b.q - a.q);
}

/**
 * Whether the response should be a meta.k8s.io Table: true when the most preferred JSON media
 * range asks for `as=Table` in meta.k8s.io v1 or v1beta1 (the answer is always a v1 Table).
 * Media types other than JSON are passed over.
 */
export function acceptsTable(accept: string | undefined): boolean {
  for (const range of parseAccept(accept ?? '')) {
    if (range.type !== 'application/json' && range.type !== 'application/*' && range.type !== '*/*') continue;
    const as = range.params.get('as');
    if (as === undefined) return false;
    return (
      as === 'Table' &&
      range.params.get('g') === 'meta.k8s.io' &&
      (range.params.get('v') === 'v1' || range.params.get('v') === 'v1beta1')
    );
  }
  return false;
}

/** The includeObject query parameter; Metadata when absent, a BadRequest Status when unknown. */
export function parseIncludeObject(value: unknown): IncludeObject {
  if (value === undefined || value === '') return 'Metadata';
  if (value === 'None' || value === 'Metadata' || value === 'Object') return value;
  throw errors.badRequest(`unrecognized includeObject value: ${JSON.stringify(String(value))}`);
}
