// POST /apis/authentication.k8s.io/v1/tokenreviews, as kube-apiserver's TokenReview storage: the
// token in spec.token is checked with the same static tokens the apiserver's own bearer
// authentication uses, and the review comes back (201, never stored) with status.authenticated,
// status.user (its groups with system:authenticated added, as every authenticated user's are) and
// status.audiences. The static tokens are audience-agnostic: they are valid for the apiserver's own
// audiences (--api-audiences), so a review asking only for other audiences is not authenticated.
// Components (the scheduler's /metrics) delegate their authentication here. Anyone authenticated
// may ask: who may create TokenReviews (system:auth-delegator) comes with authorization.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TokenReview, TokenReviewStatus } from 'kubernetes-types/authentication/v1.js';
import { stringify as stringifyYaml } from 'yaml';
import { encodeMsgpack, MSGPACK_MEDIA_TYPE } from '../../../lib/api/msgpack.js';
import { negotiate } from '../../../lib/api/negotiate.js';
import { isPlainObject } from '../../../lib/api/object.js';
import { reviewPath, TOKEN_REVIEWS } from '../../../lib/api/review-resources.js';
import { errors } from '../../../lib/api/status.js';
import type { TokenUser } from '../../../lib/auth/request-user.js';

export interface TokenReviewRouteOptions {
  tokens: () => ReadonlyMap<string, TokenUser>;
  /** --api-audiences: whom the static tokens are for. */
  apiAudiences: readonly string[];
}

const API_VERSION = `${TOKEN_REVIEWS.group}/${TOKEN_REVIEWS.version}`;
const AUTHENTICATED_GROUP = 'system:authenticated';

function stringList(value: unknown, field: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw errors.badRequest(`TokenReview in version "v1" cannot be handled as a TokenReview: ${field}: expected an array of strings`);
  }
  return value as string[];
}

/** The review the client sent, checked as Kubernetes decodes it (400 for the wrong shape or no token). */
export function decodeTokenReview(body: unknown): TokenReview {
  if (!isPlainObject(body)) throw errors.badRequest('the object provided is unrecognized (must be of type TokenReview): the request body must be a JSON or YAML object');
  const { apiVersion, kind, metadata, spec } = body as Record<string, unknown>;
  if (apiVersion !== undefined && apiVersion !== API_VERSION) {
    throw errors.badRequest(`the API version in the data (${String(apiVersion)}) does not match the expected API version (${API_VERSION})`);
  }
  if (kind !== undefined && kind !== TOKEN_REVIEWS.kind) throw errors.badRequest(`the kind in the data (${String(kind)}) does not match the expected kind (${TOKEN_REVIEWS.kind})`);
  if (metadata !== undefined && metadata !== null && !isPlainObject(metadata)) throw errors.badRequest('TokenReview in version "v1" cannot be handled as a TokenReview: metadata: expected an object');
  if (spec !== undefined && spec !== null && !isPlainObject(spec)) throw errors.badRequest('TokenReview in version "v1" cannot be handled as a TokenReview: spec: expected an object');
  const fields = (spec ?? {}) as Record<string, unknown>;
  if (fields.token !== undefined && fields.token !== null && typeof fields.token !== 'string') {
    throw errors.badRequest('TokenReview in version "v1" cannot be handled as a TokenReview: spec.token: expected a string');
  }
  const token = (fields.token as string | null | undefined) ?? '';
  if (token === '') throw errors.badRequest('token is required for TokenReview in authentication');
  const audiences = stringList(fields.audiences, 'spec.audiences');
  return {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenReview',
    metadata: { ...((metadata ?? {}) as Record<string, unknown>) },
    spec: audiences === undefined ? { token } : { token, audiences },
  };
}

/** The status of a review of the static tokens, as kube-apiserver's audience-agnostic token file authenticator answers. */
export function reviewStatus(review: TokenReview, tokens: ReadonlyMap<string, TokenUser>, apiAudiences: readonly string[]): TokenReviewStatus {
  const asked = review.spec.audiences?.length ? review.spec.audiences : apiAudiences;
  const audiences = asked.filter((a) => apiAudiences.includes(a));
  const user = asked.length > 0 && audiences.length === 0 ? undefined : tokens.get(review.spec.token ?? '');
  // Kubernetes leaves authenticated out (false) and user empty for a token it does not know.
  if (!user) return { user: {} };
  const groups = user.groups.includes(AUTHENTICATED_GROUP) ? [...user.groups] : [...user.groups, AUTHENTICATED_GROUP];
  const status: TokenReviewStatus = { authenticated: true, user: { username: user.name, uid: user.uid, groups } };
  if (audiences.length > 0) status.audiences = audiences;
  return status;
}

function send(request: FastifyRequest, reply: FastifyReply, review: TokenReview): FastifyReply {
  const format = negotiate(request.headers.accept, false);
  reply.code(201);
  if (format.kind === 'yaml') return reply.type('application/yaml').send(stringifyYaml(review));
  if (format.kind === 'msgpack') return reply.type(MSGPACK_MEDIA_TYPE).send(encodeMsgpack(review));
  return reply.type('application/json').send(JSON.stringify(review));
}

export async function tokenReviewRoutes(app: FastifyInstance, options: TokenReviewRouteOptions): Promise<void> {
  app.route({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: reviewPath(TOKEN_REVIEWS),
    handler: async (request, reply) => {
      request.metricLabels = { verb: request.method, group: TOKEN_REVIEWS.group, version: TOKEN_REVIEWS.version, resource: TOKEN_REVIEWS.resource, subresource: '', scope: 'cluster' };
      if (request.method !== 'POST') throw errors.methodNotAllowed();
      const review = decodeTokenReview(request.body);
      // A review's metadata comes back as Kubernetes serializes an unset timestamp.
      const metadata = { ...review.metadata, creationTimestamp: null } as unknown as TokenReview['metadata'];
      return send(request, reply, { ...review, metadata, status: reviewStatus(review, options.tokens(), options.apiAudiences) });
    },
  });
}
