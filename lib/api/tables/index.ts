// Server-side printing: objects become the meta.k8s.io/v1 Table that `kubectl get` prints, with
// the columns and cell text of Kubernetes' own printers.
import type { KubeObject, ListMeta } from '../object.js';
import { apiVersionOf, type ResourceInfo } from '../resources.js';
import { printerFor } from './printers.js';
import type { IncludeObject, Table, TableColumn, TableRow } from './types.js';

export type { IncludeObject, Printer, Table, TableColumn, TableListMeta, TableRow, TableRowCondition } from './types.js';
export { parseIncludeObject } from './negotiate.js';
export { hasPrinter } from './printers.js';
export { humanDuration, timestampSince } from './duration.js';

export interface BuildTableOptions {
  /** The clock for every Age and "ago" cell. */
  now: Date;
  includeObject: IncludeObject;
  /** The list's resourceVersion and continue token; for a single object, its resourceVersion. */
  listMeta?: ListMeta;
  /**
   * Leave columnDefinitions empty. A watch sends them with its first event only; kubectl keeps
   * the last columns it saw and prints the later rows under them without a new header.
   */
  omitColumns?: boolean;
}

/** Every column of the kind, the wide (priority 1) ones included. */
export function tableColumns(info: ResourceInfo): TableColumn[] {
  return printerFor(info).columns.map((c) => ({ ...c }));
}

/** One object's cells (and, for finished pods, row conditions); no object attached. */
export function tableRow(info: ResourceInfo, obj: KubeObject, now: Date): TableRow {
  const printer = printerFor(info);
  const row: TableRow = { cells: printer.cells(obj, now) };
  const conditions = printer.conditions?.(obj);
  if (conditions) row.conditions = conditions.map((c) => ({ ...c }));
  return row;
}

function rowObject(info: ResourceInfo, obj: KubeObject, includeObject: IncludeObject): unknown {
  switch (includeObject) {
    case 'None':
      return undefined;
    case 'Object':
      return { ...obj, apiVersion: obj.apiVersion ?? apiVersionOf(info), kind: obj.kind ?? info.kind };
    case 'Metadata':
      return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata ?? {} };
  }
}

export function buildTable(info: ResourceInfo, objects: readonly KubeObject[], options: BuildTableOptions): Table {
  const metadata: Table['metadata'] = {};
  const listMeta = options.listMeta;
  if (listMeta?.resourceVersion) metadata.resourceVersion = listMeta.resourceVersion;
  if (listMeta?.continue) metadata.continue = listMeta.continue;
  if (listMeta?.remainingItemCount !== undefined) metadata.remainingItemCount = listMeta.remainingItemCount;

  const rows = objects.map((obj) => {
    const row = tableRow(info, obj, options.now);
    const object = rowObject(info, obj, options.includeObject);
    if (object !== undefined) row.object = object;
    return row;
  });

  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: options.omitColumns ? [] : tableColumns(info),
    rows,
  };
}
