// What a pod's volumes and environment read from the apiserver, with the kubelet's own
// credentials (the Node authorizer lets a kubelet read only what its pods name): the pod itself
// (its current labels and annotations), ConfigMaps,
// Secrets, PersistentVolumeClaims with their PersistentVolumes, and ServiceAccount tokens by the
// TokenRequest API. A missing object is undefined; any other failure is thrown.
import type { ConfigMap, PersistentVolume, PersistentVolumeClaim, Pod, Secret } from 'kubernetes-types/core/v1.js';
import { StatusError } from '../../../lib/api/status.js';
import { findResource, type ResourceInfo } from '../../../lib/api/resources.js';
import type { RestClient } from '../../../lib/client/rest-client.js';

export interface IssuedToken {
  token: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

export interface TokenSpec {
  namespace: string;
  serviceAccount: string;
  audiences: string[];
  expirationSeconds: number;
  /** The pod the token is bound to (invalid once the pod is gone). */
  pod: { name: string; uid: string };
}

export interface PodObjects {
  pod(namespace: string, name: string): Promise<Pod | undefined>;
  configMap(namespace: string, name: string): Promise<ConfigMap | undefined>;
  secret(namespace: string, name: string): Promise<Secret | undefined>;
  persistentVolumeClaim(namespace: string, name: string): Promise<PersistentVolumeClaim | undefined>;
  persistentVolume(name: string): Promise<PersistentVolume | undefined>;
  requestToken(spec: TokenSpec): Promise<IssuedToken>;
}

function served(resource: string): ResourceInfo {
  const info = findResource('', 'v1', resource);
  if (!info) throw new Error(`${resource} are not served`);
  return info;
}

interface TokenRequestAnswer {
  status?: { token?: string; expirationTimestamp?: string };
}

export class ApiPodObjects implements PodObjects {
  private readonly pods = served('pods');
  private readonly configMaps = served('configmaps');
  private readonly secrets = served('secrets');
  private readonly claims = served('persistentvolumeclaims');
  private readonly volumes = served('persistentvolumes');
  private readonly serviceAccounts = served('serviceaccounts');

  constructor(private readonly client: RestClient) {}

  private async getOrUndefined<T>(info: ResourceInfo, namespace: string | undefined, name: string): Promise<T | undefined> {
    try {
      return await this.client.get<T>(info, namespace === undefined ? { name } : { namespace, name });
    } catch (error) {
      if (error instanceof StatusError && error.code === 404) return undefined;
      throw error;
    }
  }

  pod(namespace: string, name: string): Promise<Pod | undefined> {
    return this.getOrUndefined(this.pods, namespace, name);
  }

  configMap(namespace: string, name: string): Promise<ConfigMap | undefined> {
    return this.getOrUndefined(this.configMaps, namespace, name);
  }

  secret(namespace: string, name: string): Promise<Secret | undefined> {
    return this.getOrUndefined(this.secrets, namespace, name);
  }

  persistentVolumeClaim(namespace: string, name: string): Promise<PersistentVolumeClaim | undefined> {
    return this.getOrUndefined(this.claims, namespace, name);
  }

  persistentVolume(name: string): Promise<PersistentVolume | undefined> {
    return this.getOrUndefined(this.volumes, undefined, name);
  }

  async requestToken(spec: TokenSpec): Promise<IssuedToken> {
    const body = {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { audiences: spec.audiences, expirationSeconds: spec.expirationSeconds, boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: spec.pod.name, uid: spec.pod.uid } },
    };
    const answer = await this.client.create<TokenRequestAnswer>(this.serviceAccounts, body, { namespace: spec.namespace, name: spec.serviceAccount, subresource: 'token' });
    const token = answer.status?.token;
    const expires = Date.parse(answer.status?.expirationTimestamp ?? '');
    if (!token || Number.isNaN(expires)) throw new Error(`the TokenRequest for serviceaccount ${spec.namespace}/${spec.serviceAccount} came back without a token`);
    return { token, expiresAt: expires };
  }
}

/** The bytes of a Secret's value, whether it came as base64 (JSON) or as bytes (msgpack). */
export function secretBytes(value: unknown): Buffer {
  if (typeof value === 'string') return Buffer.from(value, 'base64');
  if (value instanceof Uint8Array) return Buffer.from(value);
  return Buffer.alloc(0);
}

/** The pod's ServiceAccount name as admission leaves it. */
export function podServiceAccount(pod: Pod): string {
  return pod.spec?.serviceAccountName || pod.spec?.serviceAccount || 'default';
}
