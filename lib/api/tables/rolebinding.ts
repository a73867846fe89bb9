// RoleBinding and ClusterRoleBinding rows: the role bound and, wide, the users, groups and
// service accounts (namespace/name) bound to it.
import type { RoleBinding, Subject } from 'kubernetes-types/rbac/v1.js';
import type { KubeObject } from '../object.js';
import { ageColumn, column, nameColumn, wide } from './columns.js';
import { timestampSince } from './duration.js';
import type { Printer } from './types.js';

function subjectNames(subjects: readonly Subject[] | undefined, kind: string): string {
  return (subjects ?? [])
    .filter((s) => s.kind === kind)
    .map((s) => (kind === 'ServiceAccount' ? `${s.namespace ?? ''}/${s.name}` : s.name))
    .join(', ');
}

function bindingPrinter(what: string): Printer {
  return {
    columns: [
      nameColumn,
      column('Role', 'string', 'The role the subjects are bound to (kind/name).'),
      ageColumn,
      wide('Users', 'string', `Users in the ${what}`),
      wide('Groups', 'string', `Groups in the ${what}`),
      wide('ServiceAccounts', 'string', `ServiceAccounts in the ${what}`),
    ],
    cells(obj: KubeObject, now: Date): unknown[] {
      const binding = obj as unknown as RoleBinding;
      return [
        binding.metadata?.name ?? '',
        `${binding.roleRef?.kind ?? ''}/${binding.roleRef?.name ?? ''}`,
        timestampSince(binding.metadata?.creationTimestamp, now),
        subjectNames(binding.subjects, 'User'),
        subjectNames(binding.subjects, 'Group'),
        subjectNames(binding.subjects, 'ServiceAccount'),
      ];
    },
  };
}

export const roleBindingPrinter = bindingPrinter('roleBinding');
export const clusterRoleBindingPrinter = bindingPrinter('clusterRoleBinding');
