// Namespace rows: Active, or Terminating while its contents are being deleted.
import type { Namespace } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../object.js';
import { ageColumn, column, nameColumn } from './columns.js';
import { timestampSince } from './duration.js';
import type { Printer } from './types.js';

export const namespacePrinter: Printer = {
  columns: [nameColumn, column('Status', 'string', 'The namespace phase: Active or Terminating.'), ageColumn],
  cells(obj: KubeObject, now: Date): unknown[] {
    const namespace = obj as Namespace;
    return [namespace.metadata?.name ?? '', namespace.status?.phase ?? '', timestampSince(namespace.metadata?.creationTimestamp, now)];
  },
};
