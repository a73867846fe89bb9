// What the printer tests of each group of kinds share: a fixed "now", an object created an hour
// before it, and the columns and cells of a served resource.
import type { KubeObject } from '../../lib/api/object.js';
import { findResource, type ResourceInfo } from '../../lib/api/resources.js';
import { tableRow, type TableColumn } from '../../lib/api/tables/index.js';

export const NOW = new Date('2024-05-01T12:00:00Z');
export const created = { creationTimestamp: '2024-05-01T11:00:00Z' };

export function info(group: string, version: string, resource: string): ResourceInfo {
  const found = findResource(group, version, resource);
  if (!found) throw new Error(`no resource ${group}/${version}/${resource}`);
  return found;
}

/** Column names kubectl shows, with -o wide or without. */
export function names(columns: TableColumn[], wide: boolean): string[] {
  return columns.filter((c) => wide || c.priority === 0).map((c) => c.name);
}

export function cells(resource: ResourceInfo, obj: KubeObject): unknown[] {
  return tableRow(resource, obj, NOW).cells;
}
