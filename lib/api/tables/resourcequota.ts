// ResourceQuota rows: "resource: used/hard" pairs, the limits.* ones in their own column.
import type { ResourceQuota } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../object.js';
import { ageColumn, column, nameColumn } from './columns.js';
import { timestampSince } from './duration.js';
import { quantityCell } from './storage-format.js';
import type { Printer } from './types.js';

export const resourceQuotaPrinter: Printer = {
  columns: [
    nameColumn,
    column('Request', 'string', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
    column('Limit', 'string', 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.'),
    ageColumn,
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    const quota = obj as ResourceQuota;
    const hard = quota.status?.hard ?? {};
    const used = quota.status?.used ?? {};
    const requests: string[] = [];
    const limits: string[] = [];
    for (const resource of Object.keys(hard).sort()) {
      const pieces = resource.split('.');
      const target = pieces.length > 1 && pieces[0] === 'limits' ? limits : requests;
      target.push(`${resource}: ${quantityCell(used[resource])}/${quantityCell(hard[resource])}`);
    }
    return [quota.metadata?.name ?? '', requests.join(', '), limits.join(', '), timestampSince(quota.metadata?.creationTimestamp, now)];
  },
};
