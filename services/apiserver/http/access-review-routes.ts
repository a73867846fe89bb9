// The authorization review APIs, as kube-apiserver serves them (never stored, answered 201):
// SubjectAccessReview (may user U do X?), LocalSubjectAccessReview (the same within the path's
// namespace), SelfSubjectAccessReview (may I? — `kubectl auth can-i`), SelfSubjectRulesReview
// (what may I do in namespace N? — `kubectl auth can-i --list`) and SelfSubjectReview (who am I? —
// `kubectl auth whoami`, v1 and v1beta1). The answers come from the same authorizer that guards
// live requests, so a review and a request never disagree.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { PolicyRule } from 'kubernetes-types/rbac/v1.js';
import {
  LOCAL_SUBJECT_ACCESS_REVIEWS,
  reviewPath,
  SELF_SUBJECT_ACCESS_REVIEWS,
  SELF_SUBJECT_REVIEWS,
  SELF_SUBJECT_REVIEWS_V1BETA1,
  SELF_SUBJECT_RULES_REVIEWS,
  SUBJECT_ACCESS_REVIEWS,
  type ReviewResource,
} from '../../../lib/api/review-resources.js';
import { fieldErrors } from '../../../lib/api/field-errors.js';
import { errors } from '../../../lib/api/status.js';
import { ANONYMOUS } from '../auth/authenticator.js';
import type { TokenUser } from '../../../lib/auth/request-user.js';
import type { Authorizer, NonResourceAttributes, RequestAttributes, ResourceAttributes } from '../rbac/attributes.js';
import { decodeReviewBody, sendReview, type ReviewBody } from './review-body.js';

export interface AccessReviewer extends Authorizer {
  rulesIn(attributes: Pick<RequestAttributes, 'user'>, namespace: string): PolicyRule[];
}

export interface AccessReviewRoutesOptions {
  /** Absent (tests without RBAC): everything is allowed. */
  authorizer?: AccessReviewer;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function invalid(kind: string, field: string, value: unknown, detail: string): never {
  throw errors.invalid(kind, 'authorization.k8s.io', '', [fieldErrors.invalid(field, value, detail)]);
}

/** The spec's resourceAttributes or nonResourceAttributes: exactly one, as Kubernetes validates. */
function attributesOf(kind: string, spec: Record<string, unknown>): { resource: ResourceAttributes } | { nonResource: NonResourceAttributes } {
  const r = spec.resourceAttributes as Record<string, unknown> | undefined | null;
  const n = spec.nonResourceAttributes as Record<string, unknown> | undefined | null;
  if ((r && n) || (!r && !n)) {
    invalid(kind, 'spec.resourceAttributes', '', 'exactly one of nonResourceAttributes or resourceAttributes must be specified');
  }
  if (n) return { nonResource: { verb: text(n.verb), path: text(n.path) } };
  return {
    resource: {
      verb: text(r!.verb),
      group: text(r!.group),
      version: text(r!.version),
      resource: text(r!.resource),
      subresource: text(r!.subresource),
      namespace: text(r!.namespace),
      name: text(r!.name),
    },
  };
}

function decide(authorizer: Authorizer | undefined, attributes: RequestAttributes): { allowed: boolean; reason?: string } {
  if (!authorizer) return { allowed: true };
  const decision = authorizer.authorize(attributes);
  return decision.reason === '' ? { allowed: decision.allowed } : { allowed: decision.allowed, reason: decision.reason };
}

function requester(request: FastifyRequest): TokenUser {
  return request.user ?? ANONYMOUS;
}

function userInfo(user: TokenUser): Record<string, unknown> {
  const info: Record<string, unknown> = { username: user.name, groups: [...user.groups] };
  if (user.uid !== '') info.uid = user.uid;
  if (user.extra && Object.keys(user.extra).length > 0) info.extra = user.extra;
  return info;
}

/** What SelfSubjectRulesReview answers: resource rules and non-resource rules, kept apart. */
function rulesStatus(rules: readonly PolicyRule[]): Record<string, unknown> {
  const resourceRules = rules
    .filter((r) => !r.nonResourceURLs?.length)
    .map((r) => ({ verbs: [...r.verbs], apiGroups: [...(r.apiGroups ?? [])], resources: [...(r.resources ?? [])], ...(r.resourceNames?.length ? { resourceNames: [...r.resourceNames] } : {}) }));
  const nonResourceRules = rules.filter((r) => r.nonResourceURLs?.length).map((r) => ({ verbs: [...r.verbs], nonResourceURLs: [...r.nonResourceURLs!] }));
  return { resourceRules, nonResourceRules, incomplete: false };
}

export async function accessReviewRoutes(app: FastifyInstance, options: AccessReviewRoutesOptions): Promise<void> {
  const { authorizer } = options;

  function route(resource: ReviewResource, answer: (request: FastifyRequest, body: ReviewBody) => Record<string, unknown>): void {
    const apiVersion = `${resource.group}/${resource.version}`;
    app.route({
      method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      url: reviewPath(resource),
      handler: async (request, reply) => {
        request.metricLabels = { verb: request.method, group: resource.group, version: resource.version, resource: resource.resource, subresource: '', scope: resource.namespaced ? 'namespace' : 'cluster' };
        if (request.method !== 'POST') throw errors.methodNotAllowed();
        const body = decodeReviewBody(request.body, [apiVersion], resource.kind);
        return sendReview(request, reply, { apiVersion, kind: resource.kind, metadata: body.metadata, spec: body.spec, status: answer(request, body) });
      },
    });
  }

  route(SUBJECT_ACCESS_REVIEWS, (_request, { kind, spec }) => {
    const user: TokenUser = { name: text(spec.user), uid: text(spec.uid), groups: strings(spec.groups) };
    if (user.name === '' && user.groups.length === 0) invalid(kind, 'spec.user', '', 'at least one of user or group must be specified');
    return decide(authorizer, { user, ...attributesOf(kind, spec) });
  });

  route(LOCAL_SUBJECT_ACCESS_REVIEWS, (request, { kind, spec }) => {
    const namespace = (request.params as { namespace: string }).namespace;
    const attributes = attributesOf(kind, spec);
    if (!('resource' in attributes) || attributes.resource.namespace !== namespace) {
      invalid(kind, 'spec.resourceAttributes.namespace', 'resource' in attributes ? attributes.resource.namespace : '', 'must match metadata.namespace');
    }
    const user: TokenUser = { name: text(spec.user), uid: text(spec.uid), groups: strings(spec.groups) };
    if (user.name === '' && user.groups.length === 0) invalid(kind, 'spec.user', '', 'at least one of user or group must be specified');
    return decide(authorizer, { user, ...attributes });
  });

  route(SELF_SUBJECT_ACCESS_REVIEWS, (request, { kind, spec }) => decide(authorizer, { user: requester(request), ...attributesOf(kind, spec) }));

  route(SELF_SUBJECT_RULES_REVIEWS, (request, { spec }) => {
    const namespace = text(spec.namespace);
    if (!authorizer) return rulesStatus([{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, { verbs: ['*'], nonResourceURLs: ['*'] }]);
    return rulesStatus(authorizer.rulesIn({ user: requester(request) }, namespace));
  });

  for (const resource of [SELF_SUBJECT_REVIEWS, SELF_SUBJECT_REVIEWS_V1BETA1]) {
    route(resource, (request) => ({ userInfo: userInfo(requester(request)) }));
  }
}
