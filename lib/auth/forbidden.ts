// The 403 Status kube-apiserver (and a component, for its own paths) writes for a denied request (endpoints/handlers/responsewriters
// Forbidden): `pods "web" is forbidden: User "jane" cannot get resource "pods" in API group "" in
// the namespace "default"`, `... at the cluster scope`, or for a path `forbidden: User "jane"
// cannot get path "/metrics"`; the authorizer's reason, when it gives one, follows after ": ".
import { errors, failure, type StatusError } from '../api/status.js';
import type { NonResourceAttributes, ResourceAttributes } from './attributes.js';
import type { TokenUser } from './request-user.js';

export function forbiddenReason(user: TokenUser, request: { resource: ResourceAttributes } | { nonResource: NonResourceAttributes }, reason = ''): string {
  const suffix = reason === '' ? '' : `: ${reason}`;
  if ('nonResource' in request) return `User ${JSON.stringify(user.name)} cannot ${request.nonResource.verb} path ${JSON.stringify(request.nonResource.path)}${suffix}`;
  const r = request.resource;
  const resource = r.subresource === '' ? r.resource : `${r.resource}/${r.subresource}`;
  const scope = r.namespace === '' ? 'at the cluster scope' : `in the namespace ${JSON.stringify(r.namespace)}`;
  return `User ${JSON.stringify(user.name)} cannot ${r.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(r.group)} ${scope}${suffix}`;
}

export function forbidden(user: TokenUser, request: { resource: ResourceAttributes } | { nonResource: NonResourceAttributes }, reason = ''): StatusError {
  const why = forbiddenReason(user, request, reason);
  if ('nonResource' in request) return failure(403, 'Forbidden', `forbidden: ${why}`, {});
  const r = request.resource;
  return errors.forbidden({ group: r.group, resource: r.resource }, r.name, why);
}
