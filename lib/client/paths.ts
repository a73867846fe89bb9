// REST paths of served resources, as the apiserver routes them.
import type { ResourceInfo } from '../api/resources.js';

export interface ObjectRef {
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** /api/v1/namespaces/ns/pods/name/status, /apis/apps/v1/deployments, ... */
export function resourcePath(info: ResourceInfo, ref: ObjectRef = {}): string {
  const base = info.group === '' ? `/api/${info.version}` : `/apis/${info.group}/${info.version}`;
  const scope = info.namespaced && ref.namespace !== undefined ? `/namespaces/${encodeURIComponent(ref.namespace)}` : '';
  let path = `${base}${scope}/${info.resource}`;
  if (ref.name !== undefined) path += `/${encodeURIComponent(ref.name)}`;
  if (ref.subresource !== undefined) path += `/${ref.subresource}`;
  return path;
}

/** "namespace/name" (or "name" for cluster-scoped objects): client-go's MetaNamespaceKeyFunc. */
export function objectKey(obj: { metadata?: { namespace?: string; name?: string } }): string {
  const namespace = obj.metadata?.namespace;
  const name = obj.metadata?.name ?? '';
  return namespace ? `${namespace}/${name}` : name;
}

/** Splits a key made by objectKey. */
export function splitKey(key: string): { namespace?: string; name: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
