// What an authorizer decides on, as Kubernetes' authorizer.Attributes: who asks, and either a
// resource request (verb, API group, resource, subresource, namespace, name) or a non-resource
// request (verb and path).
import type { NonResourceAttributes, ResourceAttributes } from '../../../lib/auth/attributes.js';
import type { TokenUser } from '../../../lib/auth/request-user.js';

export type { NonResourceAttributes, ResourceAttributes };

export type RequestAttributes = { readonly user: TokenUser } & ({ readonly resource: ResourceAttributes } | { readonly nonResource: NonResourceAttributes });

export interface Decision {
  readonly allowed: boolean;
  /** Why (RBAC names the binding that allowed), or '' */
  readonly reason: string;
}

/** Who may do what: Node, then RBAC, behind the system:masters short cut. */
export interface Authorizer {
  authorize(attributes: RequestAttributes): Decision;
}
