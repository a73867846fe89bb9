// Authorization delegated to the apiserver, as Kubernetes components authorize callers of their own
// endpoints (k8s.io/apiserver's DelegatingAuthorizerConfig): a SubjectAccessReview asks whether the
// authenticated user may `get` the path (/metrics, /debug/...), and the answer is cached 10 s
// whichever it is (Kubernetes' defaults); a review that fails is not cached. So the apiserver's RBAC
// decides who scrapes a component (system:monitoring, cluster-admin, ...).
import type { SubjectAccessReview } from 'kubernetes-types/authorization/v1.js';
import { reviewPath, SUBJECT_ACCESS_REVIEWS } from '../api/review-resources.js';
import { realClock, type Clock } from '../client/clock.js';
import type { RestClient } from '../client/rest-client.js';
import type { TokenUser } from './request-user.js';
import { ReviewCache } from './review-cache.js';

export interface PathAuthorizer {
  /** Whether `user` may `verb` the non-resource `path`; rejects when the apiserver cannot say. */
  authorize(user: TokenUser, verb: string, path: string): Promise<boolean>;
}

export interface DelegatingAuthorizerOptions {
  client: Pick<RestClient, 'request'>;
  clock?: Clock;
  /** How long an allowed answer is kept (default 10 s). */
  allowedTtlMs?: number;
  /** How long a denied answer is kept (default 10 s). */
  deniedTtlMs?: number;
  reviewTimeoutMs?: number;
  maxEntries?: number;
  /** Paths that stand for a resource (the kubelet's API is nodes/proxy): reviewed with resourceAttributes instead. */
  resourceFor?: (path: string) => NodeSubresource | undefined;
}

export interface NodeSubresource {
  resource: string;
  subresource: string;
  name: string;
}

export class DelegatingAuthorizer implements PathAuthorizer {
  private readonly client: Pick<RestClient, 'request'>;
  private readonly reviewTimeoutMs: number;
  private readonly cache: ReviewCache<boolean>;
  private readonly resourceFor: DelegatingAuthorizerOptions['resourceFor'];

  constructor(options: DelegatingAuthorizerOptions) {
    this.client = options.client;
    this.resourceFor = options.resourceFor;
    this.reviewTimeoutMs = options.reviewTimeoutMs ?? 10_000;
    const allowedTtlMs = options.allowedTtlMs ?? 10_000;
    const deniedTtlMs = options.deniedTtlMs ?? 10_000;
    this.cache = new ReviewCache({ clock: options.clock ?? realClock, ttlMs: (allowed) => (allowed ? allowedTtlMs : deniedTtlMs), maxEntries: options.maxEntries ?? 4096 });
  }

  authorize(user: TokenUser, verb: string, path: string): Promise<boolean> {
    const key = JSON.stringify([user.name, user.uid, user.groups, verb, path]);
    return this.cache.get(key, () => this.review(user, verb, path));
  }

  private async review(user: TokenUser, verb: string, path: string): Promise<boolean> {
    const body: SubjectAccessReview = {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: { user: user.name, uid: user.uid, groups: [...user.groups] },
    };
    const resource = this.resourceFor?.(path);
    if (resource) body.spec.resourceAttributes = { verb, ...resource };
    else body.spec.nonResourceAttributes = { verb, path };
    if (user.extra) body.spec.extra = user.extra;
    const answer = await this.client.request<SubjectAccessReview>({ method: 'POST', path: reviewPath(SUBJECT_ACCESS_REVIEWS), body, signal: AbortSignal.timeout(this.reviewTimeoutMs) });
    return answer?.status?.allowed === true;
  }
}
