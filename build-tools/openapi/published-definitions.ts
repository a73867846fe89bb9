// Which types the OpenAPI documents describe and which group-version-kinds each one carries:
// every served kind and its list, plus the meta types requests and responses use.
import { BINDING_GVK, SCALE_GVK } from '../../lib/api/openapi/published-kinds.js';
import type { GroupVersionKind } from '../../lib/api/openapi/schema.js';
import { definitionName, moduleOfGroupVersion } from '../../lib/api/openapi/type-names.js';
import { groupVersions, RESOURCES } from '../../lib/api/resources.js';
import type { TypeRoot } from './from-typescript.js';

export interface PublishedKinds {
  roots: TypeRoot[];
  /** Definition name → the GVKs put in its x-kubernetes-group-version-kind. */
  groupVersionKinds: Map<string, GroupVersionKind[]>;
}

/** Meta types the core group itself answers with. */
const CORE_META_KINDS = ['Status', 'APIVersions', 'APIGroupList', 'APIGroup', 'APIResourceList'];
/** Meta types every group version accepts or returns. */
const SHARED_META_KINDS = ['DeleteOptions', 'WatchEvent'];

export function publishedKinds(): PublishedKinds {
  const roots: TypeRoot[] = [];
  const groupVersionKinds = new Map<string, GroupVersionKind[]>();
  const add = (module: string, name: string, gvk?: GroupVersionKind): void => {
    if (!roots.some((r) => r.module === module && r.name === name)) roots.push({ module, name });
    if (!gvk) return;
    const key = definitionName(module, name);
    const list = groupVersionKinds.get(key) ?? [];
    list.push(gvk);
    groupVersionKinds.set(key, list);
  };

  for (const r of RESOURCES) {
    const module = moduleOfGroupVersion(r.group, r.version);
    add(module, r.kind, { group: r.group, version: r.version, kind: r.kind });
    add(module, r.listKind, { group: r.group, version: r.version, kind: r.listKind });
    if (r.subresources.includes('scale')) add('autoscaling/v1', 'Scale', SCALE_GVK);
    if (r.subresources.includes('binding')) add('core/v1', 'Binding', BINDING_GVK);
  }
  for (const kind of CORE_META_KINDS) add('meta/v1', kind, { group: '', version: 'v1', kind });
  for (const gv of groupVersions()) {
    for (const kind of SHARED_META_KINDS) add('meta/v1', kind, { ...gv, kind });
  }
  add('meta/v1', 'Patch');
  add('version', 'Info');
  for (const [key, list] of groupVersionKinds) groupVersionKinds.set(key, dedupe(list));
  return { roots, groupVersionKinds };
}

function dedupe(list: GroupVersionKind[]): GroupVersionKind[] {
  const seen = new Set<string>();
  return list.filter((gvk) => {
    const key = `${gvk.group}/${gvk.version}/${gvk.kind}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
