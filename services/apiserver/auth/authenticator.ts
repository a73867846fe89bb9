// Who a request comes from, in kube-apiserver's order: a client certificate signed by the cluster
// CA (CN is the user, each O a group), then a bearer token — a static token from the token file,
// then a ServiceAccount JWT. A request with no credentials is system:anonymous in
// system:unauthenticated; credentials that are presented and not accepted are a 401. Every
// authenticated user is also in system:authenticated, as Kubernetes' group adder puts them.
import type { TLSSocket } from 'node:tls';
import type { FastifyRequest } from 'fastify';
import { bearerToken } from '../../../lib/auth/bearer.js';
import { clientCertificateUser } from '../../../lib/auth/client-certificate.js';
import type { TokenUser } from '../../../lib/auth/request-user.js';
import type { ServiceAccountTokens } from './service-account-tokens.js';
import { connectionSocket } from '../http/connection-socket.js';

export const AUTHENTICATED_GROUP = 'system:authenticated';
export const ANONYMOUS: TokenUser = Object.freeze({ name: 'system:anonymous', uid: '', groups: ['system:unauthenticated'] });

export interface RequestAuthenticatorOptions {
  /** The static token file's users, by token. */
  tokens: () => ReadonlyMap<string, TokenUser>;
  serviceAccounts?: ServiceAccountTokens;
  /** --api-audiences: the audiences a token must be for, unless a TokenReview names others. */
  apiAudiences: readonly string[];
  /** --anonymous-auth: a request without credentials is system:anonymous (default) rather than a 401. */
  anonymous?: boolean;
}

export interface TokenAuthentication {
  user: TokenUser;
  /** The asked-for audiences the token is valid for. */
  audiences: string[];
}

/** Credentials presented but not accepted. */
const REJECTED = null;

export function withAuthenticatedGroup(user: TokenUser): TokenUser {
  return user.groups.includes(AUTHENTICATED_GROUP) ? user : { ...user, groups: [...user.groups, AUTHENTICATED_GROUP] };
}

export class RequestAuthenticator {
  private readonly staticUsers = new WeakMap<TokenUser, TokenUser>();

  constructor(private readonly options: RequestAuthenticatorOptions) {}

  /**
   * The request's user; system:anonymous without credentials; undefined for rejected credentials.
   * Answered at once for certificates, static tokens and anonymous requests; a promise only when a
   * ServiceAccount token's signature has to be checked.
   */
  authenticate(request: FastifyRequest): TokenUser | undefined | Promise<TokenUser | undefined> {
    const certificateUser = this.certificateUser(connectionSocket(request.raw));
    if (certificateUser) return certificateUser;
    const header = request.headers.authorization;
    if (header !== undefined) {
      const token = bearerToken(header);
      if (token === undefined) return undefined;
      const user = this.options.tokens().get(token);
      if (user) return this.staticUser(user);
      return this.authenticateToken(token, this.options.apiAudiences).then((found) => found?.user);
    }
    return certificateUser === REJECTED || this.options.anonymous === false ? undefined : ANONYMOUS;
  }

  /** A bearer token's user and audiences (for requests and TokenReviews alike). */
  async authenticateToken(token: string, audiences: readonly string[]): Promise<TokenAuthentication | undefined> {
    const asked = audiences.length > 0 ? audiences : this.options.apiAudiences;
    // Static tokens are for the apiserver's own audiences only, as kube-apiserver's audience-agnostic token file.
    const apiAudiences = asked.filter((a) => this.options.apiAudiences.includes(a));
    if (asked.length === 0 || apiAudiences.length > 0) {
      const user = this.options.tokens().get(token);
      if (user) return { user: this.staticUser(user), audiences: apiAudiences };
    }
    const verified = await this.options.serviceAccounts?.verify(token, asked);
    return verified && { user: withAuthenticatedGroup(verified.user), audiences: verified.audiences };
  }

  private staticUser(user: TokenUser): TokenUser {
    let known = this.staticUsers.get(user);
    if (!known) {
      known = withAuthenticatedGroup(user);
      this.staticUsers.set(user, known);
    }
    return known;
  }

  /**
   * The user of the connection's client certificate, remembered per connection: undefined when the
   * client sent none, null when it sent one the cluster CA did not sign (or not for client auth).
   */
  private certificateUser(socket: TLSSocket): TokenUser | null | undefined {
    const user = clientCertificateUser(socket);
    return user ? this.staticUser(user) : user;
  }
}
