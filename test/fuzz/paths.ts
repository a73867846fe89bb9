// URL paths of a served resource's collections and objects.
import type { ResourceInfo } from '../../lib/api/resources.js';

function groupPrefix(info: ResourceInfo): string {
  return info.group === '' ? `/api/${info.version}` : `/apis/${info.group}/${info.version}`;
}

/** The collection in one namespace, or across all of them (and for cluster-scoped kinds) when namespace is undefined. */
export function collectionPath(info: ResourceInfo, namespace: string | undefined): string {
  const scope = info.namespaced && namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${groupPrefix(info)}${scope}/${info.resource}`;
}

export function objectPath(info: ResourceInfo, namespace: string | undefined, name: string, subresource?: string): string {
  return `${collectionPath(info, namespace)}/${encodeURIComponent(name)}${subresource === undefined ? '' : `/${subresource}`}`;
}
