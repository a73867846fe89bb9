// One refresh round's view of the apiserver: each ConfigMap and Secret is read once per round
// however many pods name it (every pod's kube-api-access volume names kube-root-ca.crt).
import type { ConfigMap, Secret } from 'kubernetes-types/core/v1.js';
import type { PodObjects } from './pod-objects.js';

export function roundCache(objects: PodObjects): PodObjects {
  const configMaps = new Map<string, Promise<ConfigMap | undefined>>();
  const secrets = new Map<string, Promise<Secret | undefined>>();
  const once = <T>(cache: Map<string, Promise<T>>, key: string, read: () => Promise<T>): Promise<T> => {
    let found = cache.get(key);
    if (!found) cache.set(key, (found = read()));
    return found;
  };
  return {
    pod: (namespace, name) => objects.pod(namespace, name),
    configMap: (namespace, name) => once(configMaps, `${namespace}/${name}`, () => objects.configMap(namespace, name)),
    secret: (namespace, name) => once(secrets, `${namespace}/${name}`, () => objects.secret(namespace, name)),
    persistentVolumeClaim: (namespace, name) => objects.persistentVolumeClaim(namespace, name),
    persistentVolume: (name) => objects.persistentVolume(name),
    requestToken: (spec) => objects.requestToken(spec),
  };
}
