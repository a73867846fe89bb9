// A compiled label + field selector for list and watch, shared by the apiserver (which filters
// lists and watches) and by bus readers that filter events on the client side. Field selectors
// are checked against the fields Kubernetes supports for the kind; an unsupported field is a 400
// before anything is read.
import type { KubeObject } from './object.js';
import type { ResourceInfo } from './resources.js';
import { compileFieldSelector, fieldSetOf, parseLabelSelector } from './selectors/index.js';

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

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/**
 * The event a filtered watch sees for a change from `before` to `now` (null when absent): an
 * object moving into the selection is ADDED, one moving out is DELETED, as Kubernetes' watch
 * cache reports them; null when the watch sees nothing.
 */
export function watchTransition(
  filter: ObjectFilter,
  deleted: boolean,
  now: KubeObject | null,
  before: KubeObject | null,
): { type: WatchEventType; object: KubeObject } | null {
  const matchedBefore = before !== null && filter.matches(before);
  if (deleted) return matchedBefore ? { type: 'DELETED', object: before } : null;
  if (now === null) return null;
  if (filter.matches(now)) return { type: matchedBefore ? 'MODIFIED' : 'ADDED', object: now };
  return matchedBefore ? { type: 'DELETED', object: now } : null;
}
