// ResourceClaim rows: the claim's state as kubectl shows it ("pending", "allocated,reserved",
// "deleted,allocated").
import { isPlainObject, type KubeObject } from '../object.js';
import { ageColumn, column, nameColumn } from './columns.js';
import { timestampSince } from './duration.js';
import type { Printer } from './types.js';

function claimState(obj: KubeObject): string {
  const status = isPlainObject(obj.status) ? obj.status : {};
  const deleted = !!obj.metadata?.deletionTimestamp;
  const states: string[] = deleted ? ['deleted'] : [];
  if (status.allocation === undefined || status.allocation === null) {
    if (!deleted) states.push('pending');
  } else {
    states.push('allocated');
    if (Array.isArray(status.reservedFor) && status.reservedFor.length > 0) states.push('reserved');
  }
  return states.join(',');
}

export const resourceClaimPrinter: Printer = {
  columns: [nameColumn, column('State', 'string', 'A summary of the current state (allocated, pending, reserved, etc.).'), ageColumn],
  cells(obj: KubeObject, now: Date): unknown[] {
    return [obj.metadata?.name ?? '', claimState(obj), timestampSince(obj.metadata?.creationTimestamp, now)];
  },
};
