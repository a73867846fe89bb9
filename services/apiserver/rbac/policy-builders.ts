// Building blocks of the default RBAC policy: rules, and ClusterRoles and ClusterRoleBindings
// labelled kubernetes.io/bootstrapping=rbac-defaults and annotated for auto-update as Kubernetes
// writes its defaults.
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, Subject } from 'kubernetes-types/rbac/v1.js';

export const READ = ['get', 'list', 'watch'];

export function rule(verbs: readonly string[], apiGroups: readonly string[], resources: readonly string[], resourceNames?: readonly string[]): PolicyRule {
  const r: PolicyRule = { verbs: [...verbs], apiGroups: [...apiGroups], resources: [...resources] };
  if (resourceNames) r.resourceNames = [...resourceNames];
  return r;
}

export function urls(verbs: readonly string[], nonResourceURLs: readonly string[]): PolicyRule {
  return { verbs: [...verbs], nonResourceURLs: [...nonResourceURLs] };
}

export const AGGREGATE = 'rbac.authorization.k8s.io/aggregate-to-';

export function clusterRole(name: string, rules: PolicyRule[], labels: Record<string, string> = {}, aggregateFrom?: string): ClusterRole {
  const role: ClusterRole = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name, labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults', ...labels }, annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' } },
    rules,
  };
  if (aggregateFrom) role.aggregationRule = { clusterRoleSelectors: [{ matchLabels: { [`${AGGREGATE}${aggregateFrom}`]: 'true' } }] };
  return role;
}

/** A Role in one namespace (kube-apiserver's NamespaceRoles), labelled and annotated as the ClusterRoles. */
export function namespacedRole(namespace: string, name: string, rules: PolicyRule[]): Role {
  const { metadata, ...rest } = clusterRole(name, rules);
  return { ...rest, kind: 'Role', metadata: { ...metadata, namespace } };
}

/** A RoleBinding in `namespace` of the Role of the same namespace named `roleName`. */
export function namespacedBinding(namespace: string, name: string, roleName: string, subjects: Subject[]): RoleBinding {
  const { metadata, ...rest } = binding(name, roleName, subjects);
  return { ...rest, kind: 'RoleBinding', metadata: { ...metadata, namespace }, roleRef: { ...rest.roleRef, kind: 'Role' } };
}

export function subject(kind: 'User' | 'Group' | 'ServiceAccount', name: string, namespace?: string): Subject {
  if (kind === 'ServiceAccount') return { kind, name, namespace };
  return { apiGroup: 'rbac.authorization.k8s.io', kind, name };
}

export function binding(name: string, roleName: string, subjects: Subject[]): ClusterRoleBinding {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name, labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' }, annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' } },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
    subjects,
  };
}
