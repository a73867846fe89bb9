// Authentication delegated to the apiserver, as Kubernetes components authenticate callers of their
// own endpoints (k8s.io/apiserver's DelegatingAuthenticatorConfig): a bearer token is sent in a
// TokenReview and the apiserver says whose it is. Answers are cached by a hash of the token, so a
// scraper every few seconds costs one review per TTL: an accepted token for 10 s (as Kubernetes),
// a rejected one for less (2 s), so a token the apiserver starts accepting works soon; a review that
// fails (apiserver unreachable, timeout) is not cached. Concurrent requests with one token share one
// review. Every component (scheduler, and later controller-manager, proxy, kubelet) uses this one.
import { createHash } from 'node:crypto';
import type { TokenReview } from 'kubernetes-types/authentication/v1.js';
import { reviewPath, TOKEN_REVIEWS } from '../api/review-resources.js';
import { realClock, type Clock } from '../client/clock.js';
import type { RestClient } from '../client/rest-client.js';
import type { TokenUser } from './request-user.js';
import { ReviewCache } from './review-cache.js';

export interface Authenticator {
  /** The token's user, or undefined when the token is not accepted; rejects when it cannot tell. */
  authenticate(token: string): Promise<TokenUser | undefined>;
}

export interface DelegatingAuthenticatorOptions {
  /** A client of the apiserver, with the component's own credentials. */
  client: Pick<RestClient, 'request'>;
  clock?: Clock;
  /** Audiences to ask for; the token must be valid for one (default: none, meaning the apiserver's). */
  audiences?: readonly string[];
  /** How long an accepted token is trusted without asking again (default 10 s). */
  successTtlMs?: number;
  /** How long a rejected token is refused without asking again (default 2 s). */
  failureTtlMs?: number;
  /** A review that takes longer fails (default 10 s, as Kubernetes' token review timeout). */
  reviewTimeoutMs?: number;
  /** Most tokens remembered (default 4096); the oldest answer goes first. */
  maxEntries?: number;
}

function cacheKey(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export class DelegatingAuthenticator implements Authenticator {
  private readonly client: Pick<RestClient, 'request'>;
  private readonly audiences: readonly string[];
  private readonly reviewTimeoutMs: number;
  private readonly cache: ReviewCache<TokenUser | undefined>;

  constructor(options: DelegatingAuthenticatorOptions) {
    this.client = options.client;
    this.audiences = options.audiences ?? [];
    const successTtlMs = options.successTtlMs ?? 10_000;
    const failureTtlMs = options.failureTtlMs ?? 2_000;
    this.reviewTimeoutMs = options.reviewTimeoutMs ?? 10_000;
    const maxEntries = options.maxEntries ?? 4096;
    if (successTtlMs < 0 || failureTtlMs < 0 || this.reviewTimeoutMs <= 0 || maxEntries < 1) {
      throw new Error('DelegatingAuthenticator: TTLs must not be negative, the review timeout and the cache size must be positive');
    }
    this.cache = new ReviewCache({ clock: options.clock ?? realClock, ttlMs: (user) => (user ? successTtlMs : failureTtlMs), maxEntries });
  }

  authenticate(token: string): Promise<TokenUser | undefined> {
    return this.cache.get(cacheKey(token), () => this.review(token));
  }

  private async review(token: string): Promise<TokenUser | undefined> {
    const body: TokenReview = {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenReview',
      spec: this.audiences.length > 0 ? { token, audiences: [...this.audiences] } : { token },
    };
    const answer = await this.client.request<TokenReview>({ method: 'POST', path: reviewPath(TOKEN_REVIEWS), body, signal: AbortSignal.timeout(this.reviewTimeoutMs) });
    const status = answer?.status;
    if (!status?.authenticated) return undefined;
    // An audience-aware apiserver names the audiences the token is valid for; one must be ours.
    if (this.audiences.length > 0 && !(status.audiences ?? []).some((a) => this.audiences.includes(a))) return undefined;
    const username = status.user?.username ?? '';
    if (username === '') return undefined;
    return { name: username, uid: status.user?.uid ?? '', groups: [...(status.user?.groups ?? [])] };
  }
}
