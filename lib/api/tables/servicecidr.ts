// ServiceCIDR rows: the ranges, comma-joined.
import type { KubeObject } from '../object.js';
import { ageColumn, column, nameColumn } from './columns.js';
import { timestampSince } from './duration.js';
import type { Printer } from './types.js';

export const serviceCIDRPrinter: Printer = {
  columns: [nameColumn, column('CIDRs', 'string', 'The ranges Service cluster IPs are allocated from.'), ageColumn],
  cells(obj: KubeObject, now: Date): unknown[] {
    const spec = obj.spec as { cidrs?: unknown } | undefined;
    const cidrs = Array.isArray(spec?.cidrs) ? spec.cidrs.join(',') : '';
    return [obj.metadata?.name ?? '', cidrs, timestampSince(obj.metadata?.creationTimestamp, now)];
  },
};
