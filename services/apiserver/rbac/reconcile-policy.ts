// The default ClusterRoles and ClusterRoleBindings (and the few namespaced Roles and RoleBindings) reconciled at every start, as kube-apiserver's
// rbac/bootstrap-roles post-start hook does: a missing one is created; an existing one whose
// rbac.authorization.kubernetes.io/autoupdate annotation is not "false" gets back the rules (or
// subjects) of the default it lacks, keeping whatever was added to it. So a cluster kept across an
// upgrade gains what the new defaults grant, and an operator can opt a role out.
import type { ClusterRole, ClusterRoleBinding, Subject } from 'kubernetes-types/rbac/v1.js';
import type { KubeObject, StoredObject } from '../../../lib/api/object.js';
import { findResource, type ResourceInfo } from '../../../lib/api/resources.js';
import { isStatusError } from '../../../lib/api/status.js';
import type { ApiStorage } from '../registry/api-storage.js';
import { BOOTSTRAP_CLUSTER_ROLE_BINDINGS, BOOTSTRAP_CLUSTER_ROLES, BOOTSTRAP_NAMESPACED_ROLE_BINDINGS, BOOTSTRAP_NAMESPACED_ROLES } from './bootstrap-policy.js';
import { uncoveredRules } from './rules.js';

const AUTOUPDATE = 'rbac.authorization.kubernetes.io/autoupdate';

function served(resource: string): ResourceInfo {
  const info = findResource('rbac.authorization.k8s.io', 'v1', resource);
  if (!info) throw new Error(`${resource} are not served`);
  return info;
}

function sameSubject(a: Subject, b: Subject): boolean {
  return a.kind === b.kind && a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '');
}

/** What `current` lacks of `wanted`, merged into it; undefined when it lacks nothing. */
type Merge = (current: StoredObject, wanted: KubeObject) => KubeObject | undefined;

const mergeRole: Merge = (current, wanted) => {
  const role = current as unknown as ClusterRole;
  const missing = (wanted as unknown as ClusterRole).rules ?? [];
  if (uncoveredRules(role.rules ?? [], missing).length === 0) return undefined;
  return { ...current, rules: [...(role.rules ?? []), ...missing.filter((r) => uncoveredRules(role.rules ?? [], [r]).length > 0)] };
};

const mergeBinding: Merge = (current, wanted) => {
  const subjects = (current as unknown as ClusterRoleBinding).subjects ?? [];
  const missing = ((wanted as unknown as ClusterRoleBinding).subjects ?? []).filter((w) => !subjects.some((s) => sameSubject(s, w)));
  return missing.length === 0 ? undefined : { ...current, subjects: [...subjects, ...missing] };
};

async function reconcile(storage: ApiStorage, info: ResourceInfo, wanted: KubeObject, merge: Merge): Promise<void> {
  const store = storage.for(info);
  const name = wanted.metadata?.name ?? '';
  const namespace = wanted.metadata?.namespace;
  try {
    await store.create(namespace, wanted, { dryRun: false });
    return;
  } catch (error) {
    if (!isStatusError(error) || error.code !== 409) throw error;
  }
  const current = await store.get({ namespace, name });
  if (current.metadata?.annotations?.[AUTOUPDATE] === 'false') return;
  const merged = merge(current, wanted);
  if (merged) await store.update({ namespace, name }, merged, { dryRun: false });
}

export async function reconcileBootstrapPolicy(storage: ApiStorage): Promise<void> {
  const clusterRoles = served('clusterroles');
  const clusterRoleBindings = served('clusterrolebindings');
  for (const role of BOOTSTRAP_CLUSTER_ROLES) await reconcile(storage, clusterRoles, role as unknown as KubeObject, mergeRole);
  for (const binding of BOOTSTRAP_CLUSTER_ROLE_BINDINGS) await reconcile(storage, clusterRoleBindings, binding as unknown as KubeObject, mergeBinding);
  for (const role of BOOTSTRAP_NAMESPACED_ROLES) await reconcile(storage, served('roles'), role as unknown as KubeObject, mergeRole);
  for (const binding of BOOTSTRAP_NAMESPACED_ROLE_BINDINGS) await reconcile(storage, served('rolebindings'), binding as unknown as KubeObject, mergeBinding);
}
