// The wire shape of meta.k8s.io/v1 Table, the form `kubectl get` asks the server for.
import type { KubeObject } from '../object.js';

export interface TableColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format: string;
  description: string;
  /** 0: always shown; 1 and up: shown by kubectl only with `-o wide`. */
  priority: number;
}

/** Set on rows of finished pods, as Kubernetes does; kubectl itself does not print them. */
export interface TableRowCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

export interface TableRow {
  cells: unknown[];
  conditions?: TableRowCondition[];
  object?: unknown;
}

export interface TableListMeta {
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: TableListMeta;
  columnDefinitions: TableColumn[];
  rows: TableRow[];
}

/** Kubernetes' `includeObject` query parameter: what each row carries besides its cells. */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

/**
 * How one kind becomes rows. `cells` always returns every cell, wide ones included: the server
 * prints wide and kubectl hides the columns whose priority is above 0 unless asked for `-o wide`.
 */
export interface Printer {
  readonly columns: readonly TableColumn[];
  cells(obj: KubeObject, now: Date): unknown[];
  conditions?(obj: KubeObject): TableRowCondition[] | undefined;
}
