// core/v1 Events and events.k8s.io/v1 Events are one object in two shapes (Kubernetes stores the
// one and converts: pkg/apis/events/v1/conversion.go). The new shape renames what the old one
// called involvedObject, message, source, firstTimestamp, lastTimestamp, count and
// reportingComponent; the rest is shared.
import type { KubeObject } from '../object.js';

/** [events.k8s.io/v1 field, core/v1 field] */
const RENAMED: readonly (readonly [string, string])[] = [
  ['regarding', 'involvedObject'],
  ['note', 'message'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
  ['reportingController', 'reportingComponent'],
];

function rename(obj: KubeObject, apiVersion: string, pairs: readonly (readonly [string, string])[]): KubeObject {
  const out: KubeObject = { ...obj, apiVersion };
  for (const [from, to] of pairs) {
    delete out[from];
    if (obj[from] !== undefined) out[to] = obj[from];
  }
  return out;
}

/** An events.k8s.io/v1 Event as the core/v1 Event it is stored as. */
export function eventV1ToCore(event: KubeObject): KubeObject {
  return rename(event, 'v1', RENAMED);
}

/** A stored core/v1 Event as events.k8s.io/v1 shows it. */
export function coreToEventV1(event: KubeObject): KubeObject {
  return rename(event, 'events.k8s.io/v1', RENAMED.map(([a, b]) => [b, a] as const));
}
