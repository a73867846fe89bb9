// A ServiceAccount's bearer token, asked for with another identity's client through the
// TokenRequest API (serviceaccounts/<name>/token) and asked for again before it expires (or once the
// apiserver refused it) — how
// kube-controller-manager's --use-service-account-credentials gives each controller its own
// credentials (client-go's DynamicControllerClientBuilder). The ServiceAccount is made when it is
// missing, as Kubernetes does for its controllers' accounts in kube-system.
import type { ServiceAccount } from 'kubernetes-types/core/v1.js';
import { findResource } from '../api/resources.js';
import { StatusError } from '../api/status.js';
import type { Clock } from './clock.js';
import type { RestClient } from './rest-client.js';

const SERVICE_ACCOUNTS = findResource('', 'v1', 'serviceaccounts')!;

/** What a RestClient asks for its Authorization header before each request. Callers may call it concurrently. */
export interface TokenSource {
  token(): Promise<string>;
  /** The server refused `token` (401): the next token() asks for a new one instead of reusing it. */
  invalidate?(token: string): void;
}

export interface ServiceAccountTokenSourceConfig {
  /** The client that may create serviceaccounts/token in `namespace` (and get or create the ServiceAccount). */
  client: RestClient;
  namespace: string;
  name: string;
  clock: Clock;
  /** Asked-for lifetime (default 3600 s, kube-controller-manager's). */
  expirationSeconds?: number;
  /** Share of the lifetime after which a new token is asked for (default 0.8). */
  refreshAt?: number;
}

interface TokenRequestAnswer {
  spec?: { expirationSeconds?: number };
  status?: { token?: string };
}

export class ServiceAccountTokenSource implements TokenSource {
  private readonly config: Required<ServiceAccountTokenSourceConfig>;
  private current?: { token: string; refreshAfter: number; expiresAt: number };
  private pending?: Promise<string>;
  private accountChecked = false;

  constructor(config: ServiceAccountTokenSourceConfig) {
    if (config.name === '' || config.namespace === '') throw new Error('a ServiceAccount token source needs a namespace and a name');
    this.config = { expirationSeconds: 3600, refreshAt: 0.8, ...config };
    if (!(this.config.refreshAt > 0 && this.config.refreshAt < 1)) throw new Error(`refreshAt must be between 0 and 1, got ${this.config.refreshAt}`);
  }

  /** The user the tokens authenticate as. */
  get username(): string {
    return `system:serviceaccount:${this.config.namespace}:${this.config.name}`;
  }

  invalidate(token: string): void {
    if (this.current?.token !== token) return;
    // as client-go's token source transport after a 401; the account may have been deleted and made again
    this.current = undefined;
    this.accountChecked = false;
  }

  token(): Promise<string> {
    const now = this.config.clock.now();
    if (this.current && now < this.current.refreshAfter) return Promise.resolve(this.current.token);
    this.pending ??= this.fetch().finally(() => {
      this.pending = undefined;
    });
    // A token that is due for refresh but still valid serves while the new one is asked for, and
    // after a failed refresh (the next request tries again).
    if (this.current && now < this.current.expiresAt) {
      const still = this.current.token;
      return this.pending.catch(() => still);
    }
    return this.pending;
  }

  private async fetch(): Promise<string> {
    const { client, namespace, name, clock, expirationSeconds, refreshAt } = this.config;
    if (!this.accountChecked) {
      await this.ensureAccount();
      this.accountChecked = true;
    }
    const requestedAt = clock.now();
    const answer = await client.create<TokenRequestAnswer>(
      SERVICE_ACCOUNTS,
      { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds } },
      { namespace, name, subresource: 'token' },
    );
    const token = answer.status?.token;
    if (!token) throw new Error(`the TokenRequest for ${namespace}/${name} returned no token`);
    // The lifetime the server granted, counted on this process's clock from when it was asked for
    // (never from the server's expirationTimestamp, so a clock skew cannot keep an expired token).
    const lifetimeMs = (answer.spec?.expirationSeconds ?? expirationSeconds) * 1000;
    this.current = { token, expiresAt: requestedAt + lifetimeMs, refreshAfter: requestedAt + lifetimeMs * refreshAt };
    return token;
  }

  private async ensureAccount(): Promise<void> {
    const { client, namespace, name } = this.config;
    try {
      await client.get<ServiceAccount>(SERVICE_ACCOUNTS, { namespace, name });
    } catch (error) {
      if (!(error instanceof StatusError && error.code === 404)) throw error;
      try {
        await client.create(SERVICE_ACCOUNTS, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { namespace, name } }, { namespace });
      } catch (created) {
        if (!(created instanceof StatusError && created.code === 409)) throw created;
      }
    }
  }
}
