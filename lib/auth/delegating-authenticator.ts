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

interface Entry {
  user: TokenUser | undefined;
  expiresAt: number;
}

function cacheKey(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export class DelegatingAuthenticator implements Authenticator {
  private readonly client: Pick<RestClient, 'request'>;
  private readonly clock: Clock;
  private readonly audiences: readonly string[];
  private readonly successTtlMs: number;
  private readonly failureTtlMs: number;
  private readonly reviewTimeoutMs: number;
  private readonly maxEntries: number;
  private readonly cache = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<TokenUser | undefined>>();

  constructor(options: DelegatingAuthenticatorOptions) {
    this.client = options.client;
    this.clock = options.clock ?? realClock;
    this.audiences = options.audiences ?? [];
    this.successTtlMs = options.successTtlMs ?? 10_000;
    this.failureTtlMs = options.failureTtlMs ?? 2_000;
    this.reviewTimeoutMs = options.reviewTimeoutMs ?? 10_000;
    this.maxEntries = options.maxEntries ?? 4096;
    if (this.successTtlMs < 0 || this.failureTtlMs < 0 || this.reviewTimeoutMs <= 0 || this.maxEntries < 1) {
      throw new Error('DelegatingAuthenticator: TTLs must not be negative, the review timeout and the cache size must be positive');
    }
  }

  async authenticate(token: string): Promise<TokenUser | undefined> {
    const key = cacheKey(token);
    const cached = this.cache.get(key);
    if (cached && cached.expiresAt > this.clock.now()) return cached.user;
    if (cached) this.cache.delete(key);
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const review = this.review(token).then(
      (user) => {
        this.inFlight.delete(key);
        this.remember(key, user);
        return user;
      },
      (error: unknown) => {
        this.inFlight.delete(key);
        throw error;
      },
    );
    this.inFlight.set(key, review);
    return review;
  }

  private remember(key: string, user: TokenUser | undefined): void {
    const ttl = user ? this.successTtlMs : this.failureTtlMs;
    if (ttl === 0) return;
    while (this.cache.size >= this.maxEntries) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(key, { user, expiresAt: this.clock.now() + ttl });
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
