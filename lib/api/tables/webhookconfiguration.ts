// Validating and mutating webhook configuration rows: how many webhooks each registers.
import type { KubeObject } from '../object.js';
import { ageColumn, column, nameColumn } from './columns.js';
import { timestampSince } from './duration.js';
import type { Printer } from './types.js';

export const webhookConfigurationPrinter: Printer = {
  columns: [nameColumn, column('Webhooks', 'integer', 'Webhooks indicates the number of webhooks registered in this configuration'), ageColumn],
  cells(obj: KubeObject, now: Date): unknown[] {
    const webhooks = (obj as { webhooks?: unknown }).webhooks;
    return [obj.metadata?.name ?? '', Array.isArray(webhooks) ? webhooks.length : 0, timestampSince(obj.metadata?.creationTimestamp, now)];
  },
};
