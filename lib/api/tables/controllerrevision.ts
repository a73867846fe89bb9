// ControllerRevision rows: the controller that owns the revision (kind.group/name) and its number.
import type { ControllerRevision } from 'kubernetes-types/apps/v1.js';
import type { KubeObject } from '../object.js';
import { ageColumn, column, nameColumn } from './columns.js';
import { timestampSince } from './duration.js';
import type { Printer } from './types.js';

/** "statefulset.apps/web" for the controller owner reference, "<none>" without one. */
function controllerName(revision: ControllerRevision): string {
  const owner = (revision.metadata?.ownerReferences ?? []).find((ref) => ref.controller === true);
  if (!owner) return '<none>';
  const group = owner.apiVersion.includes('/') ? owner.apiVersion.slice(0, owner.apiVersion.indexOf('/')) : '';
  if (owner.kind === '' && group === '') return owner.name;
  return `${(group === '' ? owner.kind : `${owner.kind}.${group}`).toLowerCase()}/${owner.name}`;
}

export const controllerRevisionPrinter: Printer = {
  columns: [
    nameColumn,
    column('Controller', 'string', 'Controller of the object.'),
    column('Revision', 'string', 'Revision indicates the revision of the state represented by Data.'),
    ageColumn,
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    const revision = obj as unknown as ControllerRevision;
    return [revision.metadata?.name ?? '', controllerName(revision), revision.revision ?? 0, timestampSince(revision.metadata?.creationTimestamp, now)];
  },
};
