// ConfigMap rows: how many keys it holds, text and binary together.
import type { ConfigMap } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../object.js';
import { ageColumn, column, nameColumn } from './columns.js';
import { timestampSince } from './duration.js';
import type { Printer } from './types.js';

export const configMapPrinter: Printer = {
  columns: [nameColumn, column('Data', 'string', 'The number of keys in data and binaryData.'), ageColumn],
  cells(obj: KubeObject, now: Date): unknown[] {
    const configMap = obj as ConfigMap;
    const keys = Object.keys(configMap.data ?? {}).length + Object.keys(configMap.binaryData ?? {}).length;
    return [configMap.metadata?.name ?? '', keys, timestampSince(configMap.metadata?.creationTimestamp, now)];
  },
};
