// The opaque `continue` value of a paged list: the revision the first page was read at and the
// key to resume after, encoded as Kubernetes does (base64 of {"v","rv","start"}).
import { errors } from '../../../lib/api/status.js';

const TOKEN_VERSION = 'meta.k8s.io/v1';

export interface ContinueToken {
  revision: number;
  /** Key suffix (relative to the list prefix) to resume after. */
  startAfter: string;
}

export function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: TOKEN_VERSION, rv: token.revision, start: token.startAfter })).toString('base64url');
}

export function decodeContinue(text: string): ContinueToken {
  let parsed: unknown;
  try {
    const raw = Buffer.from(text, 'base64url').toString('utf8');
    parsed = JSON.parse(raw);
  } catch {
    throw errors.badRequest('continue key is not valid: illegal base64 data or JSON');
  }
  const value = parsed as { v?: unknown; rv?: unknown; start?: unknown };
  if (value.v !== TOKEN_VERSION || typeof value.rv !== 'number' || !Number.isSafeInteger(value.rv) || value.rv <= 0 || typeof value.start !== 'string') {
    throw errors.badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
  if (value.start.includes('..') || value.start.startsWith('/')) {
    throw errors.badRequest('continue key is not valid: path traversal not allowed');
  }
  return { revision: value.rv, startAfter: value.start };
}
