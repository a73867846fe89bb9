// A compiled label + field selector for list and watch. Field selectors are checked against the
// fields Kubernetes supports for the kind; an unsupported field is a 400 before anything is read.
import type { KubeObject } from '../../../lib/api/object.js';
import type { ResourceInfo } from '../../../lib/api/resources.js';
import { compileFieldSelector, fieldSetOf, parseLabelSelector } from '../../../lib/api/selectors/index.js';

export interface ObjectFilter {
  readonly empty: boolean;
  matches(obj: KubeObject): boolean;
  /** The value an equality term requires of `field` (e.g. spec.nodeName), for indexed watches. */
  exactField(field: string): string | undefined;
}

export const MATCH_ALL: ObjectFilter = { empty: true, matches: () => true, exactField: () => undefined };

export function compileFilter(info: ResourceInfo, labelSelector: string, fieldSelector: string): ObjectFilter {
  if (labelSelector.trim() === '' && fieldSelector.trim() === '') return MATCH_ALL;
  const labels = parseLabelSelector(labelSelector);
  const fields = compileFieldSelector(info, fieldSelector);
  return {
    empty: labels.isEmpty() && fields.isEmpty(),
    matches: (obj) => labels.matches(obj.metadata?.labels ?? {}) && (fields.isEmpty() || fields.matches(fieldSetOf(info, obj))),
    exactField: (field) => fields.requiresExactMatch(field),
  };
}
