// ServiceAccount tokens as kube-apiserver issues and checks them: ES256 JWTs signed with the
// cluster's service account key. Bound tokens (TokenRequest) carry audiences, an expiry and the
// objects they are bound to (the ServiceAccount, and a Pod or Secret); they stop working when any
// of those is deleted or replaced (another uid). Legacy tokens (issuer kubernetes/serviceaccount,
// as the token controller writes into Secrets) never expire but need their Secret and
// ServiceAccount. The user is system:serviceaccount:<namespace>:<name> in the groups
// system:serviceaccounts and system:serviceaccounts:<namespace>.
import { randomUUID } from 'node:crypto';
import { jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { KubeObject } from '../../../lib/api/object.js';
import { findResource, storageKey, type ResourceInfo } from '../../../lib/api/resources.js';
import type { TokenUser } from '../../../lib/auth/request-user.js';
import type { Store } from '../../../lib/native/store.js';
import { SERVICE_ACCOUNT_ALGORITHM, type ServiceAccountKey } from '../../../lib/pki/service-account-key.js';

export const LEGACY_ISSUER = 'kubernetes/serviceaccount';

export interface BoundObject {
  kind: 'Pod' | 'Secret';
  name: string;
  uid: string;
}

export interface TokenRequestSpec {
  namespace: string;
  serviceAccount: { name: string; uid: string };
  audiences: readonly string[];
  expirationSeconds: number;
  bound?: BoundObject;
}

export interface VerifiedToken {
  user: TokenUser;
  audiences: string[];
}

interface KubernetesClaims {
  namespace?: string;
  serviceaccount?: { name?: string; uid?: string };
  pod?: { name?: string; uid?: string };
  secret?: { name?: string; uid?: string };
}

export interface ServiceAccountTokensOptions {
  key: ServiceAccountKey;
  /** --service-account-issuer */
  issuer: string;
  store: Store;
  clock: () => Date;
}

function resourceInfo(name: string): ResourceInfo {
  const info = findResource('', 'v1', name);
  if (!info) throw new Error(`${name} are not served`);
  return info;
}

export function serviceAccountUserName(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

export function serviceAccountGroups(namespace: string): string[] {
  return ['system:serviceaccounts', `system:serviceaccounts:${namespace}`];
}

function looksLikeJwt(token: string): boolean {
  const parts = token.split('.');
  return parts.length === 3 && parts.every((p) => /^[A-Za-z0-9_-]+$/.test(p));
}

export class ServiceAccountTokens {
  private readonly serviceAccounts = resourceInfo('serviceaccounts');
  private readonly pods = resourceInfo('pods');
  private readonly secrets = resourceInfo('secrets');

  constructor(private readonly options: ServiceAccountTokensOptions) {}

  get issuer(): string {
    return this.options.issuer;
  }

  /** A bound token (TokenRequest) and when it expires. */
  async issue(spec: TokenRequestSpec): Promise<{ token: string; expiresAt: Date }> {
    const now = this.options.clock();
    const issuedAt = Math.floor(now.getTime() / 1000);
    const expiresAt = issuedAt + spec.expirationSeconds;
    const claims: KubernetesClaims = { namespace: spec.namespace, serviceaccount: { ...spec.serviceAccount } };
    if (spec.bound?.kind === 'Pod') claims.pod = { name: spec.bound.name, uid: spec.bound.uid };
    if (spec.bound?.kind === 'Secret') claims.secret = { name: spec.bound.name, uid: spec.bound.uid };
    const token = await new SignJWT({ 'kubernetes.io': claims })
      .setProtectedHeader({ alg: SERVICE_ACCOUNT_ALGORITHM, kid: this.options.key.keyId })
      .setIssuer(this.options.issuer)
      .setSubject(serviceAccountUserName(spec.namespace, spec.serviceAccount.name))
      .setAudience([...spec.audiences])
      .setIssuedAt(issuedAt)
      .setNotBefore(issuedAt)
      .setExpirationTime(expiresAt)
      .setJti(randomUUID())
      .sign(this.options.key.privateKey);
    return { token, expiresAt: new Date(expiresAt * 1000) };
  }

  /** A legacy token for a ServiceAccount's token Secret (no audience, no expiry). */
  async issueLegacy(namespace: string, serviceAccount: { name: string; uid: string }, secretName: string): Promise<string> {
    return new SignJWT({
      'kubernetes.io/serviceaccount/namespace': namespace,
      'kubernetes.io/serviceaccount/secret.name': secretName,
      'kubernetes.io/serviceaccount/service-account.name': serviceAccount.name,
      'kubernetes.io/serviceaccount/service-account.uid': serviceAccount.uid,
    })
      .setProtectedHeader({ alg: SERVICE_ACCOUNT_ALGORITHM, kid: this.options.key.keyId })
      .setIssuer(LEGACY_ISSUER)
      .setSubject(serviceAccountUserName(namespace, serviceAccount.name))
      .sign(this.options.key.privateKey);
  }

  private object(info: ResourceInfo, namespace: string, name: string | undefined): KubeObject | undefined {
    if (!name) return undefined;
    return this.options.store.get<KubeObject>(storageKey(info, namespace, name))?.value ?? undefined;
  }

  private live(info: ResourceInfo, namespace: string, ref: { name?: string; uid?: string } | undefined): boolean {
    const object = this.object(info, namespace, ref?.name);
    return object !== undefined && object.metadata?.uid === ref?.uid;
  }

  /**
   * The token's user when it is one of ours, valid now, for one of `audiences` and bound to objects
   * that still exist; undefined otherwise (whatever is wrong with it).
   */
  async verify(token: string, audiences: readonly string[]): Promise<VerifiedToken | undefined> {
    if (!looksLikeJwt(token)) return undefined;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.options.key.publicKey, { algorithms: [SERVICE_ACCOUNT_ALGORITHM], currentDate: this.options.clock() }));
    } catch {
      return undefined;
    }
    if (payload.iss === LEGACY_ISSUER) return this.verifyLegacy(payload, audiences);
    if (payload.iss !== this.options.issuer || payload.exp === undefined) return undefined;
    const tokenAudiences = typeof payload.aud === 'string' ? [payload.aud] : (payload.aud ?? []);
    const matched = tokenAudiences.filter((a) => audiences.includes(a));
    if (matched.length === 0) return undefined;
    const claims = payload['kubernetes.io'] as KubernetesClaims | undefined;
    const namespace = claims?.namespace;
    const serviceAccount = claims?.serviceaccount;
    if (typeof namespace !== 'string' || !serviceAccount?.name || !this.live(this.serviceAccounts, namespace, serviceAccount)) return undefined;
    if (claims?.pod && !this.live(this.pods, namespace, claims.pod)) return undefined;
    if (claims?.secret && !this.live(this.secrets, namespace, claims.secret)) return undefined;
    const extra: Record<string, string[]> = {};
    if (claims?.pod?.name) {
      extra['authentication.kubernetes.io/pod-name'] = [claims.pod.name];
      extra['authentication.kubernetes.io/pod-uid'] = [claims.pod.uid ?? ''];
    }
    if (payload.jti) extra['authentication.kubernetes.io/credential-id'] = [`JTI=${payload.jti}`];
    const user: TokenUser = { name: serviceAccountUserName(namespace, serviceAccount.name), uid: serviceAccount.uid ?? '', groups: serviceAccountGroups(namespace), extra };
    return { user, audiences: matched };
  }

  private verifyLegacy(payload: JWTPayload, audiences: readonly string[]): VerifiedToken | undefined {
    const text = (claim: string): string => {
      const value = payload[`kubernetes.io/serviceaccount/${claim}`];
      return typeof value === 'string' ? value : '';
    };
    const namespace = text('namespace');
    const name = text('service-account.name');
    const uid = text('service-account.uid');
    if (namespace === '' || !this.live(this.serviceAccounts, namespace, { name, uid })) return undefined;
    const secret = this.object(this.secrets, namespace, text('secret.name'));
    if (!secret) return undefined;
    const user: TokenUser = { name: serviceAccountUserName(namespace, name), uid, groups: serviceAccountGroups(namespace), extra: { 'authentication.kubernetes.io/credential-id': [`secret=${text('secret.name')}`] } };
    return { user, audiences: [...audiences] };
  }
}
