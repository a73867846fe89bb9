// POST /apis/authentication.k8s.io/v1/tokenreviews, as kube-apiserver's TokenReview storage: the
// token in spec.token is checked by the apiserver's own token authenticators (static tokens, then
// ServiceAccount JWTs) and the review comes back (201, never stored) with status.authenticated,
// status.user (its groups with system:authenticated) and status.audiences: those of the asked-for
// audiences (default --api-audiences) the token is valid for. Static tokens are valid for the
// apiserver's own audiences only, so a review asking only for others does not authenticate them.
// Components (the scheduler's /metrics) delegate their authentication here.
import type { FastifyInstance } from 'fastify';
import type { TokenReview, TokenReviewStatus } from 'kubernetes-types/authentication/v1.js';
import { reviewPath, TOKEN_REVIEWS } from '../../../lib/api/review-resources.js';
import { errors } from '../../../lib/api/status.js';
import type { RequestAuthenticator } from '../auth/authenticator.js';
import { decodeReviewBody, sendReview } from './review-body.js';

export interface TokenReviewRouteOptions {
  authenticator: RequestAuthenticator;
}

const API_VERSION = 'authentication.k8s.io/v1';

function stringList(value: unknown, field: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw errors.badRequest(`TokenReview in version "v1" cannot be handled as a TokenReview: ${field}: expected an array of strings`);
  }
  return value as string[];
}

/** The review the client sent, checked as Kubernetes decodes it (400 for the wrong shape or no token). */
export function decodeTokenReview(body: unknown): TokenReview {
  const { metadata, spec } = decodeReviewBody(body, [API_VERSION], TOKEN_REVIEWS.kind);
  if (spec.token !== undefined && spec.token !== null && typeof spec.token !== 'string') {
    throw errors.badRequest('TokenReview in version "v1" cannot be handled as a TokenReview: spec.token: expected a string');
  }
  const token = (spec.token as string | null | undefined) ?? '';
  if (token === '') throw errors.badRequest('token is required for TokenReview in authentication');
  const audiences = stringList(spec.audiences, 'spec.audiences');
  return { apiVersion: API_VERSION, kind: 'TokenReview', metadata, spec: audiences === undefined ? { token } : { token, audiences } };
}

/** The status of a review, as kube-apiserver answers it. */
export async function reviewStatus(review: TokenReview, authenticator: RequestAuthenticator): Promise<TokenReviewStatus> {
  const found = await authenticator.authenticateToken(review.spec.token ?? '', review.spec.audiences ?? []);
  // Kubernetes leaves authenticated out (false) and user empty for a token it does not know.
  if (!found) return { user: {} };
  const { user, audiences } = found;
  const status: TokenReviewStatus = { authenticated: true, user: { username: user.name, uid: user.uid, groups: [...user.groups] } };
  if (user.extra && Object.keys(user.extra).length > 0) status.user!.extra = user.extra;
  if (audiences.length > 0) status.audiences = audiences;
  return status;
}

export async function tokenReviewRoutes(app: FastifyInstance, options: TokenReviewRouteOptions): Promise<void> {
  app.route({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: reviewPath(TOKEN_REVIEWS),
    handler: async (request, reply) => {
      request.metricLabels = { verb: request.method, group: TOKEN_REVIEWS.group, version: TOKEN_REVIEWS.version, resource: TOKEN_REVIEWS.resource, subresource: '', scope: 'cluster' };
      if (request.method !== 'POST') throw errors.methodNotAllowed();
      const review = decodeTokenReview(request.body);
      return sendReview(request, reply, { ...review, status: await reviewStatus(review, options.authenticator) });
    },
  });
}
