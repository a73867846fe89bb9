// RBAC escalation prevention, as Kubernetes' rbac storage enforces it: a Role or ClusterRole may
// only be written by someone who holds every permission it grants (or has `escalate` on it), and a
// binding only by someone who holds every permission of the role it refers to (or has `bind` on
// that role). A ClusterRole with an aggregationRule needs `escalate` or cluster-admin's authority.
// Writes made by the apiserver itself (bootstrap, no user) are not checked.
import type { PolicyRule } from 'kubernetes-types/rbac/v1.js';
import { errors } from '../../../lib/api/status.js';
import type { AdmissionAttributes, AdmissionPlugin } from '../admission/plugin.js';
import type { Authorizer } from './attributes.js';
import type { PolicyCache } from './policy-cache.js';
import { compactRuleString, uncoveredRules } from './rules.js';

const GROUP = 'rbac.authorization.k8s.io';
const FULL_AUTHORITY: PolicyRule[] = [
  { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
  { nonResourceURLs: ['*'], verbs: ['*'] },
];

export interface EscalationCheckOptions {
  authorizer: Authorizer & { rulesIn(attributes: { user: NonNullable<AdmissionAttributes['user']> }, namespace: string): PolicyRule[] };
  policy: PolicyCache;
}

export function rbacEscalationCheck(options: EscalationCheckOptions): AdmissionPlugin {
  const { authorizer, policy } = options;
  return {
    name: 'RBACEscalation',
    validate(attributes) {
      const { info, user, object, operation } = attributes;
      if (info.group !== GROUP || !user || !object || (operation !== 'CREATE' && operation !== 'UPDATE')) return;
      const namespace = attributes.namespace ?? '';
      const allowedTo = (verb: string, resource: string, name: string): boolean =>
        authorizer.authorize({ user, resource: { verb, group: GROUP, version: '', resource, subresource: '', namespace, name } }).allowed;
      let wanted: readonly PolicyRule[];
      if (info.kind === 'Role' || info.kind === 'ClusterRole') {
        if (allowedTo('escalate', info.resource, attributes.name)) return;
        // An aggregated role may come to hold anything: only full authority may write one.
        if ((object as { aggregationRule?: unknown }).aggregationRule && uncoveredRules(authorizer.rulesIn({ user }, ''), FULL_AUTHORITY).length > 0) {
          throw errors.forbidden({ group: GROUP, resource: info.resource }, attributes.name, 'must have cluster-admin privileges to use the aggregationRule');
        }
        wanted = ((object as { rules?: PolicyRule[] }).rules ?? []);
      } else if (info.kind === 'RoleBinding' || info.kind === 'ClusterRoleBinding') {
        const roleRef = (object as { roleRef?: { kind?: string; name?: string } }).roleRef ?? {};
        const roleResource = roleRef.kind === 'Role' ? 'roles' : 'clusterroles';
        if (allowedTo('bind', roleResource, roleRef.name ?? '')) return;
        wanted = policy.roleRefRules({ kind: roleRef.kind ?? '', name: roleRef.name ?? '' }, info.namespaced ? namespace : undefined);
      } else {
        return;
      }
      const missing = uncoveredRules(authorizer.rulesIn({ user }, info.namespaced ? namespace : ''), wanted);
      if (missing.length === 0) return;
      const groups = user.groups.map((g) => JSON.stringify(g)).join(' ');
      throw errors.forbidden(
        { group: GROUP, resource: info.resource },
        attributes.name,
        `user ${JSON.stringify(user.name)} (groups=[${groups}]) is attempting to grant RBAC permissions not currently held:\n${missing.map(compactRuleString).join('\n')}`,
      );
    },
  };
}
