// Defaults of the access-control, admission-configuration and dynamic-resource-allocation kinds,
// as their Kubernetes 1.36 v1 defaulting functions set them.
import { type Rec, asRec, ensureRec, recs, setDefault } from './util.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** RoleBindings and ClusterRoleBindings: the roleRef's group, and the group of User and Group subjects. */
export function defaultRoleBinding(obj: Rec): void {
  const roleRef = asRec(obj.roleRef);
  if (roleRef) setDefault(roleRef, 'apiGroup', RBAC_GROUP);
  for (const subject of recs(obj, 'subjects')) {
    if (subject.kind === 'User' || subject.kind === 'Group') setDefault(subject, 'apiGroup', RBAC_GROUP);
  }
}

function defaultRule(rule: Rec): void {
  setDefault(rule, 'scope', '*');
}

function defaultWebhook(hook: Rec, mutating: boolean): void {
  setDefault(hook, 'failurePolicy', 'Fail');
  setDefault(hook, 'matchPolicy', 'Equivalent');
  ensureRec(hook, 'namespaceSelector');
  ensureRec(hook, 'objectSelector');
  setDefault(hook, 'timeoutSeconds', 10);
  if (mutating) setDefault(hook, 'reinvocationPolicy', 'Never');
  recs(hook, 'rules').forEach(defaultRule);
  const service = asRec(asRec(hook.clientConfig)?.service);
  if (service) setDefault(service, 'port', 443);
}

export function defaultWebhookConfiguration(obj: Rec, mutating: boolean): void {
  for (const hook of recs(obj, 'webhooks')) defaultWebhook(hook, mutating);
}

function defaultMatchResources(match: Rec): void {
  setDefault(match, 'matchPolicy', 'Equivalent');
  ensureRec(match, 'namespaceSelector');
  ensureRec(match, 'objectSelector');
  recs(match, 'resourceRules').forEach(defaultRule);
  recs(match, 'excludeResourceRules').forEach(defaultRule);
}

export function defaultValidatingAdmissionPolicy(obj: Rec): void {
  const spec = asRec(obj.spec);
  if (!spec) return;
  setDefault(spec, 'failurePolicy', 'Fail');
  const match = asRec(spec.matchConstraints);
  if (match) defaultMatchResources(match);
}

export function defaultValidatingAdmissionPolicyBinding(obj: Rec): void {
  const match = asRec(asRec(obj.spec)?.matchResources);
  if (match) defaultMatchResources(match);
}

function defaultExactRequest(request: Rec): void {
  setDefault(request, 'allocationMode', 'ExactCount');
  if (request.allocationMode === 'ExactCount' && (request.count === undefined || request.count === null || request.count === 0)) request.count = 1;
  for (const toleration of recs(request, 'tolerations')) setDefault(toleration, 'operator', 'Equal');
}

/** A ResourceClaimSpec: each request's allocation mode (one device unless told otherwise). */
export function defaultResourceClaimSpec(spec: Rec | undefined): void {
  for (const request of recs(asRec(spec?.devices), 'requests')) {
    const exactly = asRec(request.exactly);
    if (exactly) defaultExactRequest(exactly);
    recs(request, 'firstAvailable').forEach(defaultExactRequest);
  }
}
