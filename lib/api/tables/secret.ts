// Secret rows: the secret type and how many keys it holds; never the values.
import type { Secret } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../object.js';
import { ageColumn, column, nameColumn } from './columns.js';
import { timestampSince } from './duration.js';
import type { Printer } from './types.js';

export const secretPrinter: Printer = {
  columns: [
    nameColumn,
    column('Type', 'string', 'The secret type, such as Opaque or kubernetes.io/tls.'),
    column('Data', 'string', 'The number of keys in data.'),
    ageColumn,
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    const secret = obj as Secret;
    return [
      secret.metadata?.name ?? '',
      // Kubernetes defaults an empty type to Opaque.
      secret.type || 'Opaque',
      Object.keys(secret.data ?? {}).length,
      timestampSince(secret.metadata?.creationTimestamp, now),
    ];
  },
};
