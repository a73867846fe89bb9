// NetworkPolicy rows: the pod selector.
import type { NetworkPolicy } from 'kubernetes-types/networking/v1.js';
import type { KubeObject } from '../object.js';
import { ageColumn, column, nameColumn } from './columns.js';
import { timestampSince } from './duration.js';
import { formatLabelSelector } from './format.js';
import type { Printer } from './types.js';

export const networkPolicyPrinter: Printer = {
  columns: [nameColumn, column('Pod-Selector', 'string', 'The pods the policy applies to.'), ageColumn],
  cells(obj: KubeObject, now: Date): unknown[] {
    const policy = obj as NetworkPolicy;
    return [policy.metadata?.name ?? '', formatLabelSelector(policy.spec?.podSelector ?? {}), timestampSince(policy.metadata?.creationTimestamp, now)];
  },
};
