// Node rows: Ready/NotReady (plus SchedulingDisabled when cordoned), roles from labels, versions.
import type { Node } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../object.js';
import { ageColumn, column, nameColumn, wide } from './columns.js';
import { timestampSince } from './duration.js';
import type { Printer } from './types.js';

const ROLE_LABEL_PREFIX = 'node-role.kubernetes.io/';
const LEGACY_ROLE_LABEL = 'kubernetes.io/role';

function nodeStatus(node: Node): string {
  const ready = node.status?.conditions?.findLast((c) => c.type === 'Ready');
  const status = [ready === undefined ? 'Unknown' : ready.status === 'True' ? 'Ready' : 'NotReady'];
  if (node.spec?.unschedulable) status.push('SchedulingDisabled');
  return status.join(',');
}

/** Roles come from node-role.kubernetes.io/<role> labels and the older kubernetes.io/role=<role>. */
export function nodeRoles(node: Node): string[] {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(node.metadata?.labels ?? {})) {
    if (key.startsWith(ROLE_LABEL_PREFIX)) {
      const role = key.slice(ROLE_LABEL_PREFIX.length);
      if (role !== '') roles.add(role);
    } else if (key === LEGACY_ROLE_LABEL && value !== '') {
      roles.add(value);
    }
  }
  return [...roles].sort();
}

function address(node: Node, type: string): string {
  return node.status?.addresses?.find((a) => a.type === type)?.address ?? '<none>';
}

export const nodePrinter: Printer = {
  columns: [
    nameColumn,
    column('Status', 'string', 'Whether the node is Ready, and SchedulingDisabled when it is cordoned.'),
    column('Roles', 'string', 'Roles from the node-role.kubernetes.io/<role> labels.'),
    ageColumn,
    column('Version', 'string', 'The kubelet version the node reports.'),
    wide('Internal-IP', 'string', 'The first InternalIP address the node reports.'),
    wide('External-IP', 'string', 'The first ExternalIP address the node reports.'),
    wide('OS-Image', 'string', 'The operating system image the node reports.'),
    wide('Kernel-Version', 'string', 'The kernel version the node reports.'),
    wide('Container-Runtime', 'string', 'The container runtime and version the node reports.'),
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    const node = obj as Node;
    const info = node.status?.nodeInfo;
    const roles = nodeRoles(node);
    return [
      node.metadata?.name ?? '',
      nodeStatus(node),
      roles.length > 0 ? roles.join(',') : '<none>',
      timestampSince(node.metadata?.creationTimestamp, now),
      info?.kubeletVersion ?? '',
      address(node, 'InternalIP'),
      address(node, 'ExternalIP'),
      info?.osImage || '<unknown>',
      info?.kernelVersion || '<unknown>',
      info?.containerRuntimeVersion || '<unknown>',
    ];
  },
};
