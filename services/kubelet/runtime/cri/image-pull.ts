// Makes a container's image present as its imagePullPolicy says (kuberuntime image manager):
// Always pulls, IfNotPresent pulls when the node lacks it, Never refuses when it lacks it. The
// default policy is Always for an untagged or :latest reference, else IfNotPresent. With
// credentials (from the pod's imagePullSecrets) each is tried in turn, as the kubelet's keyring
// does, then none.
import type { Container } from 'kubernetes-types/core/v1.js';
import type { CriClient } from '../../../../lib/cri/client.js';
import type { AuthConfig, PodSandboxConfig } from '../../../../lib/cri/types.js';

export type PullOutcome = { imageRef: string } | { reason: 'ErrImagePull' | 'ErrImageNeverPull' | 'InvalidImageName'; message: string };

function tagOf(image: string): string | undefined {
  if (image.includes('@')) return undefined;
  const last = image.slice(image.lastIndexOf('/') + 1);
  return last.includes(':') ? last.slice(last.indexOf(':') + 1) : undefined;
}

export function pullPolicy(container: Container): 'Always' | 'IfNotPresent' | 'Never' {
  const policy = container.imagePullPolicy;
  if (policy === 'Always' || policy === 'IfNotPresent' || policy === 'Never') return policy;
  const image = container.image ?? '';
  if (image.includes('@')) return 'IfNotPresent';
  const tag = tagOf(image);
  return tag === undefined || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

export async function ensureImage(client: CriClient, container: Container, sandbox: PodSandboxConfig, credentials: readonly AuthConfig[] = []): Promise<PullOutcome> {
  const image = container.image ?? '';
  if (!image) return { reason: 'InvalidImageName', message: `container ${container.name} names no image` };
  const policy = pullPolicy(container);
  if (policy !== 'Always') {
    const present = await client.imageStatus({ image });
    if (present) return { imageRef: present.id };
    if (policy === 'Never') return { reason: 'ErrImageNeverPull', message: `Container image "${image}" is not present with pull policy of Never` };
  }
  const errors: string[] = [];
  for (const auth of [...credentials, undefined]) {
    try {
      return { imageRef: await client.pullImage({ image }, auth, sandbox) };
    } catch (error) {
      errors.push(error instanceof Error ? error.message : String(error));
    }
  }
  return { reason: 'ErrImagePull', message: `failed to pull image "${image}": ${errors.join('; ')}` };
}
