// --authorization-mode=RBAC behind kube-apiserver's privileged-group short cut: system:masters may
// do anything; everyone else what the rules of their bindings allow (PolicyCache resolves them).
import type { PolicyRule } from 'kubernetes-types/rbac/v1.js';
import type { Authorizer, Decision, RequestAttributes } from './attributes.js';
import type { PolicyCache } from './policy-cache.js';
import { ruleAllowsNonResource, ruleAllowsResource } from './rules.js';

export const SYSTEM_MASTERS = 'system:masters';

const ALLOWED: Decision = { allowed: true, reason: '' };
const DENIED: Decision = { allowed: false, reason: '' };

export class RbacAuthorizer implements Authorizer {
  constructor(private readonly policy: PolicyCache) {}

  authorize(attributes: RequestAttributes): Decision {
    if (attributes.user.groups.includes(SYSTEM_MASTERS)) return ALLOWED;
    const rules = this.policy.rulesFor(attributes.user);
    if ('nonResource' in attributes) {
      const request = attributes.nonResource;
      return rules.cluster.some((r) => ruleAllowsNonResource(r, request)) ? ALLOWED : DENIED;
    }
    const request = attributes.resource;
    const allows = (list: readonly PolicyRule[] | undefined): boolean => (list ?? []).some((r) => ruleAllowsResource(r, request));
    if (allows(rules.cluster)) return ALLOWED;
    return request.namespace !== '' && allows(rules.byNamespace.get(request.namespace)) ? ALLOWED : DENIED;
  }

  /** The rules that hold for `user` in `namespace` (SelfSubjectRulesReview). */
  rulesIn(attributes: Pick<RequestAttributes, 'user'>, namespace: string): PolicyRule[] {
    if (attributes.user.groups.includes(SYSTEM_MASTERS)) return [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, { verbs: ['*'], nonResourceURLs: ['*'] }];
    const rules = this.policy.rulesFor(attributes.user);
    return [...rules.cluster, ...(rules.byNamespace.get(namespace) ?? [])];
  }
}
