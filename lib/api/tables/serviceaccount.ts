// ServiceAccount rows: how many secrets are listed on the account.
import type { ServiceAccount } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../object.js';
import { ageColumn, column, nameColumn } from './columns.js';
import { timestampSince } from './duration.js';
import type { Printer } from './types.js';

export const serviceAccountPrinter: Printer = {
  columns: [nameColumn, column('Secrets', 'string', 'The number of secrets listed on the account.'), ageColumn],
  cells(obj: KubeObject, now: Date): unknown[] {
    const account = obj as ServiceAccount;
    return [account.metadata?.name ?? '', (account.secrets ?? []).length, timestampSince(account.metadata?.creationTimestamp, now)];
  },
};
