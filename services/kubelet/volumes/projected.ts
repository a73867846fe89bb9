// projected volumes: ServiceAccount tokens (TokenRequest, bound to the pod, with the source's
// audience and expirationSeconds, renewed by the token manager), ConfigMaps, Secrets, the downward
// API and the cluster trust bundle's kube-root-ca.crt (a ConfigMap) in one directory.
import type { Pod, ProjectedVolumeSource } from 'kubernetes-types/core/v1.js';
import type { ContainerContext } from '../runtime/cri/container-config.js';
import type { Payload } from './atomic-writer.js';
import { configMapPayload } from './config-map.js';
import { downwardAPIPayload } from './downward-api.js';
import { DEFAULT_MODE } from './key-projection.js';
import { podServiceAccount, type PodObjects } from './pod-objects.js';
import { secretPayload } from './secret.js';
import type { TokenManager } from './token-manager.js';

/** Kubernetes' default expirationSeconds of a projected token (1 h). */
const DEFAULT_TOKEN_SECONDS = 3600;

export interface ProjectionDeps {
  objects: PodObjects;
  tokens: TokenManager;
  context: ContainerContext;
}

export async function projectedPayload(pod: Pod, source: ProjectedVolumeSource, deps: ProjectionDeps): Promise<Payload> {
  const namespace = pod.metadata?.namespace ?? '';
  const defaultMode = source.defaultMode ?? DEFAULT_MODE;
  const payload: Payload = new Map();
  const merge = (part: Payload): void => {
    for (const [path, file] of part) payload.set(path, file);
  };
  for (const projection of source.sources ?? []) {
    if (projection.configMap) merge(await configMapPayload(deps.objects, namespace, projection.configMap, defaultMode));
    if (projection.secret) merge(await secretPayload(deps.objects, namespace, projection.secret, defaultMode));
    if (projection.downwardAPI) merge(downwardAPIPayload(pod, projection.downwardAPI.items, defaultMode, deps.context));
    const token = projection.serviceAccountToken;
    if (token) {
      const value = await deps.tokens.token({
        namespace,
        serviceAccount: podServiceAccount(pod),
        // no audience: the apiserver's own (--api-audiences)
        audiences: token.audience ? [token.audience] : [],
        expirationSeconds: token.expirationSeconds ?? DEFAULT_TOKEN_SECONDS,
        pod: { name: pod.metadata?.name ?? '', uid: pod.metadata?.uid ?? '' },
      });
      payload.set(token.path, { data: Buffer.from(value, 'utf8'), mode: defaultMode });
    }
  }
  return payload;
}
