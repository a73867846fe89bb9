// configMap volumes and projections: the ConfigMap's data and binaryData as files.
import type { ConfigMap, ConfigMapProjection } from 'kubernetes-types/core/v1.js';
import type { Payload } from './atomic-writer.js';
import { projectObject } from './key-projection.js';
import { secretBytes, type PodObjects } from './pod-objects.js';

export function configMapData(configMap: ConfigMap): Map<string, Buffer> {
  const data = new Map<string, Buffer>();
  for (const [key, value] of Object.entries(configMap.data ?? {})) data.set(key, Buffer.from(value, 'utf8'));
  for (const [key, value] of Object.entries(configMap.binaryData ?? {})) data.set(key, secretBytes(value));
  return data;
}

export async function configMapPayload(objects: PodObjects, namespace: string, source: ConfigMapProjection, defaultMode: number): Promise<Payload> {
  const name = source.name ?? '';
  const configMap = await objects.configMap(namespace, name);
  return projectObject('configmap', name, configMap && configMapData(configMap), source, defaultMode);
}
