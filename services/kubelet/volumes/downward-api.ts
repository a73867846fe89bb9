// downwardAPI volumes and projections: the pod's metadata (name, namespace, uid, labels,
// annotations: all of them as `key="value"` lines, sorted) and its containers' resources as files.
import type { DownwardAPIVolumeFile, Pod } from 'kubernetes-types/core/v1.js';
import { fieldValue, resourceValue, type ContainerContext } from '../runtime/cri/container-config.js';
import type { Payload } from './atomic-writer.js';
import { VolumeError } from './volume-error.js';

function formatMap(map: Record<string, string> | undefined): string {
  return Object.keys(map ?? {})
    .sort()
    .map((key) => `${key}=${JSON.stringify(map![key])}`)
    .join('\n');
}

function itemValue(pod: Pod, item: DownwardAPIVolumeFile, context: ContainerContext): string {
  if (item.fieldRef) {
    const path = item.fieldRef.fieldPath;
    if (path === 'metadata.labels') return formatMap(pod.metadata?.labels);
    if (path === 'metadata.annotations') return formatMap(pod.metadata?.annotations);
    return fieldValue(pod, path, context);
  }
  if (item.resourceFieldRef) {
    const name = item.resourceFieldRef.containerName;
    const container = pod.spec?.containers?.find((c) => c.name === name) ?? pod.spec?.initContainers?.find((c) => c.name === name);
    if (!container) throw new VolumeError(`downwardAPI file ${item.path}: no container named ${JSON.stringify(name ?? '')}`);
    return resourceValue(pod, item.resourceFieldRef, container, context);
  }
  throw new VolumeError(`downwardAPI file ${item.path} has neither fieldRef nor resourceFieldRef`);
}

export function downwardAPIPayload(pod: Pod, items: readonly DownwardAPIVolumeFile[] | undefined, defaultMode: number, context: ContainerContext): Payload {
  const payload: Payload = new Map();
  for (const item of items ?? []) payload.set(item.path, { data: Buffer.from(itemValue(pod, item, context), 'utf8'), mode: item.mode ?? defaultMode });
  return payload;
}
