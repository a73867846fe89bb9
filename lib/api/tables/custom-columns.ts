// Tables of kinds whose columns are data (a CustomResourceDefinition's additionalPrinterColumns),
// as Kubernetes' CRD table convertor prints them: Name, then each column's value at its JSON path;
// a date as the time since then, a missing value as an empty (null) cell, anything else as it is
// (objects and lists as JSON).
import { parseSimplePath, readPath } from '../crd/json-path.js';
import type { KubeObject } from '../object.js';
import type { PrinterColumn } from '../resources.js';
import { nameColumn } from './columns.js';
import { timestampSince } from './duration.js';
import type { Printer, TableColumn } from './types.js';

const COLUMN_TYPES = new Set<TableColumn['type']>(['string', 'integer', 'number', 'boolean', 'date']);
const printers = new WeakMap<readonly PrinterColumn[], Printer>();

function cell(column: PrinterColumn, obj: KubeObject, now: Date): unknown {
  const steps = parseSimplePath(column.jsonPath);
  const value = steps ? readPath(obj, steps) : undefined;
  if (value === undefined || value === null) return null;
  if (column.type === 'date') return typeof value === 'string' ? timestampSince(value, now) : null;
  if (typeof value === 'object') return JSON.stringify(value);
  return value;
}

export function columnsPrinter(columns: readonly PrinterColumn[]): Printer {
  let printer = printers.get(columns);
  if (printer) return printer;
  printer = {
    columns: [
      nameColumn,
      ...columns.map((c) => ({
        name: c.name,
        type: COLUMN_TYPES.has(c.type as TableColumn['type']) ? (c.type as TableColumn['type']) : 'string',
        format: c.format ?? '',
        description: c.description ?? '',
        priority: c.priority ?? 0,
      })),
    ],
    cells: (obj, now) => [obj.metadata?.name ?? '', ...columns.map((c) => cell(c, obj, now))],
  };
  printers.set(columns, printer);
  return printer;
}
