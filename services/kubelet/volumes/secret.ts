// secret volumes and projections: the Secret's data as files.
import type { Secret, SecretProjection } from 'kubernetes-types/core/v1.js';
import type { Payload } from './atomic-writer.js';
import { projectObject } from './key-projection.js';
import { secretBytes, type PodObjects } from './pod-objects.js';

export function secretData(secret: Secret): Map<string, Buffer> {
  return new Map(Object.entries(secret.data ?? {}).map(([key, value]) => [key, secretBytes(value)]));
}

export async function secretPayload(objects: PodObjects, namespace: string, source: SecretProjection, defaultMode: number): Promise<Payload> {
  const name = source.name ?? '';
  const secret = await objects.secret(namespace, name);
  return projectObject('secret', name, secret && secretData(secret), source, defaultMode);
}
