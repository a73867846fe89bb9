// Which Kubernetes definitions the OpenAPI documents (and so the strict decoder and the strategic
// merge patch) carry: every served kind and its list, the meta types requests and responses use,
// and everything those reference. Each keeps Kubernetes' own schema, but its
// x-kubernetes-group-version-kind is Rudder's: the group versions Rudder serves, not every one
// kube-apiserver serves.
import { BINDING_GVK, definitionOfKind, EVICTION_GVK, SCALE_GVK } from '../../lib/api/openapi/published-kinds.js';
import { closure, type Definitions, type GroupVersionKind } from '../../lib/api/openapi/schema.js';
import { metaDefinitionName, VERSION_INFO } from '../../lib/api/openapi/type-names.js';
import { groupVersions, RESOURCES } from '../../lib/api/resources.js';

export interface PublishedKinds {
  /** Definition names the documents start from. */
  roots: string[];
  /** Definition name → the GVKs put in its x-kubernetes-group-version-kind. */
  groupVersionKinds: Map<string, GroupVersionKind[]>;
}

/** Meta types the core group itself answers with. */
const CORE_META_KINDS = ['Status', 'APIVersions', 'APIGroupList', 'APIGroup', 'APIResourceList'];
/** Meta types every group version accepts or returns. */
const SHARED_META_KINDS = ['DeleteOptions', 'WatchEvent'];

export function publishedKinds(): PublishedKinds {
  const roots: string[] = [];
  const groupVersionKinds = new Map<string, GroupVersionKind[]>();
  const add = (definition: string, gvk?: GroupVersionKind): void => {
    if (!roots.includes(definition)) roots.push(definition);
    if (!gvk) return;
    const list = groupVersionKinds.get(definition) ?? [];
    if (!list.some((g) => g.group === gvk.group && g.version === gvk.version && g.kind === gvk.kind)) list.push(gvk);
    groupVersionKinds.set(definition, list);
  };

  for (const r of RESOURCES) {
    const kind: GroupVersionKind = { group: r.group, version: r.version, kind: r.kind };
    add(definitionOfKind(kind), kind);
    add(definitionOfKind({ ...kind, kind: r.listKind }), { ...kind, kind: r.listKind });
    if (r.subresources.includes('scale')) add(definitionOfKind(SCALE_GVK), SCALE_GVK);
    if (r.subresources.includes('binding')) add(definitionOfKind(BINDING_GVK), BINDING_GVK);
    if (r.subresources.includes('eviction')) add(definitionOfKind(EVICTION_GVK), EVICTION_GVK);
  }
  for (const kind of CORE_META_KINDS) add(metaDefinitionName(kind), { group: '', version: 'v1', kind });
  for (const gv of groupVersions()) {
    for (const kind of SHARED_META_KINDS) add(metaDefinitionName(kind), { ...gv, kind });
  }
  add(metaDefinitionName('Patch'));
  add(VERSION_INFO);
  return { roots, groupVersionKinds };
}

/** The published subset of Kubernetes' definitions, in name order, each a copy with Rudder's GVKs. */
export function publishedDefinitions(upstream: Definitions, published: PublishedKinds = publishedKinds()): Definitions {
  const definitions: Definitions = {};
  for (const name of closure(upstream, published.roots)) {
    const { 'x-kubernetes-group-version-kind': _upstreamKinds, ...schema } = structuredClone(upstream[name]!);
    const gvks = published.groupVersionKinds.get(name);
    definitions[name] = gvks ? { ...schema, 'x-kubernetes-group-version-kind': gvks } : schema;
  }
  return definitions;
}
