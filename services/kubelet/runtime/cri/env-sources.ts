// The ConfigMaps and Secrets a container's environment names (env valueFrom configMapKeyRef /
// secretKeyRef, envFrom), read before the container is made so that its environment can be built
// without waiting; a missing one is kept as undefined (optional refs skip it, required ones fail).
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { configMapData } from '../../volumes/config-map.js';
import type { PodObjects } from '../../volumes/pod-objects.js';
import { secretData } from '../../volumes/secret.js';

export interface EnvSources {
  /** name → key → value; undefined: the object does not exist. */
  configMaps: Map<string, Map<string, string> | undefined>;
  secrets: Map<string, Map<string, string> | undefined>;
}

export function emptyEnvSources(): EnvSources {
  return { configMaps: new Map(), secrets: new Map() };
}

function asText(data: Map<string, Buffer>): Map<string, string> {
  return new Map([...data].map(([key, value]) => [key, value.toString('utf8')]));
}

export async function readEnvSources(objects: PodObjects, pod: Pod, container: Container): Promise<EnvSources> {
  const namespace = pod.metadata?.namespace ?? '';
  const configMapNames = new Set<string>();
  const secretNames = new Set<string>();
  for (const from of container.envFrom ?? []) {
    if (from.configMapRef?.name) configMapNames.add(from.configMapRef.name);
    if (from.secretRef?.name) secretNames.add(from.secretRef.name);
  }
  for (const variable of container.env ?? []) {
    if (variable.valueFrom?.configMapKeyRef?.name) configMapNames.add(variable.valueFrom.configMapKeyRef.name);
    if (variable.valueFrom?.secretKeyRef?.name) secretNames.add(variable.valueFrom.secretKeyRef.name);
  }
  const sources = emptyEnvSources();
  for (const name of configMapNames) {
    const configMap = await objects.configMap(namespace, name);
    sources.configMaps.set(name, configMap ? asText(configMapData(configMap)) : undefined);
  }
  for (const name of secretNames) {
    const secret = await objects.secret(namespace, name);
    sources.secrets.set(name, secret ? asText(secretData(secret)) : undefined);
  }
  return sources;
}
