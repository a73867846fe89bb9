// The group-version-kinds the API answers with beside its stored kinds: the scale, binding and
// eviction subresources' Scale, Binding and Eviction. The OpenAPI generator and the routes name them from here.
import type { GroupVersionKind } from './schema.js';
import { kindDefinitionName } from './type-names.js';

export const SCALE_GVK: GroupVersionKind = { group: 'autoscaling', version: 'v1', kind: 'Scale' };
export const BINDING_GVK: GroupVersionKind = { group: '', version: 'v1', kind: 'Binding' };
export const EVICTION_GVK: GroupVersionKind = { group: 'policy', version: 'v1', kind: 'Eviction' };

/** The definition name of a served kind. */
export function definitionOfKind(gvk: GroupVersionKind): string {
  return kindDefinitionName(gvk.group, gvk.version, gvk.kind);
}
