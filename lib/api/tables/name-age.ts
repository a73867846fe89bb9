// Rows of kinds Kubernetes prints with their name and age only (DeviceClasses, ResourceClaimTemplates).
import type { KubeObject } from '../object.js';
import { ageColumn, nameColumn } from './columns.js';
import { timestampSince } from './duration.js';
import type { Printer } from './types.js';

export const nameAgePrinter: Printer = {
  columns: [nameColumn, ageColumn],
  cells(obj: KubeObject, now: Date): unknown[] {
    return [obj.metadata?.name ?? '', timestampSince(obj.metadata?.creationTimestamp, now)];
  },
};
