// --authorization-mode=Node,RBAC: each authorizer in turn, the first that allows wins, as
// kube-apiserver's union authorizer. What a user may do in a namespace (SelfSubjectRulesReview,
// escalation checks) is RBAC's answer.
import type { PolicyRule } from 'kubernetes-types/rbac/v1.js';
import type { Authorizer, Decision, RequestAttributes } from './attributes.js';
import type { RbacAuthorizer } from './rbac-authorizer.js';

const NO_OPINION: Decision = { allowed: false, reason: '' };

export class UnionAuthorizer implements Authorizer {
  constructor(private readonly authorizers: readonly Authorizer[], private readonly rbac: RbacAuthorizer) {}

  authorize(attributes: RequestAttributes): Decision {
    let last = NO_OPINION;
    for (const authorizer of this.authorizers) {
      last = authorizer.authorize(attributes);
      if (last.allowed) return last;
    }
    return last;
  }

  rulesIn(attributes: Pick<RequestAttributes, 'user'>, namespace: string): PolicyRule[] {
    return this.rbac.rulesIn(attributes, namespace);
  }
}
