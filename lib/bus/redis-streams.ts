// The Redis Streams layout of the watch bus, shared by the apiserver's publisher and the readers.
//
// - One stream per resource, `rudder:events:<resource>` (`pods`, `deployments.apps`), and for pods
//   one per node as well, `rudder:events:pods@<nodeName>`, holding the events of pods that are or
//   were on that node.
// - Entry ID `<resourceVersion>-0`: explicit IDs make publishing the same event twice (a new
//   leader resuming) a no-op, and let a reader start right after a list's resourceVersion.
// - Fields: `event` (msgpack {type, object, before?}) and `prev`, the resourceVersion of the
//   stream's previous event, or the base below which the streams hold nothing. A reader at
//   position P that meets an entry whose `prev` is above P knows it missed one: a gap, so it relists.
// - `rudder:bus:base` and `rudder:bus:published`: every stream holds every event with a revision in
//   (base, published]. Both are written in the same MULTI as the entries. A reader behind the base
//   relists; a reader that drained its stream may treat `published` as a bookmark.
// Redis is a fan-out cache in front of the store, never its source of truth.
import { decodeMsgpack, encodeMsgpack } from '../api/msgpack.js';
import type { KubeObject } from '../api/object.js';
import { qualifiedResource, type ResourceInfo } from '../api/resources.js';
import type { WatchEventType } from '../api/object-filter.js';

export const STREAM_PREFIX = 'rudder:events:';
export const BASE_KEY = 'rudder:bus:base';
export const PUBLISHED_KEY = 'rudder:bus:published';
export const EVENT_FIELD = 'event';
export const PREV_FIELD = 'prev';

/** rudder:events:pods, rudder:events:deployments.apps */
export function resourceStream(info: Pick<ResourceInfo, 'group' | 'resource'>): string {
  return `${STREAM_PREFIX}${qualifiedResource(info)}`;
}

/** rudder:events:pods@<nodeName> */
export function nodeStream(nodeName: string): string {
  return `${STREAM_PREFIX}pods@${nodeName}`;
}

export function isPods(info: Pick<ResourceInfo, 'group' | 'resource'>): boolean {
  return info.group === '' && info.resource === 'pods';
}

export function entryId(revision: number): string {
  return `${revision}-0`;
}

/** "123-0" → 123 */
export function revisionOfId(id: string): number {
  const dash = id.indexOf('-');
  return Number(dash < 0 ? id : id.slice(0, dash));
}

/** One published event: the object after the change (before it, for a deletion) and, for a
 *  modification, the object before it, so readers can tell objects entering or leaving a selection. */
export interface StreamEvent {
  type: WatchEventType;
  object: KubeObject;
  before?: KubeObject;
}

export function encodeStreamEvent(event: StreamEvent): Buffer {
  return encodeMsgpack(event);
}

export function decodeStreamEvent(payload: Buffer): StreamEvent {
  return decodeMsgpack<StreamEvent>(payload);
}

/** Sets a key to max(current, value), atomically: the published mark never moves back. */
export const MAX_SET_SCRIPT = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local value = tonumber(ARGV[1])
if value > current then redis.call('SET', KEYS[1], ARGV[1]) end
return redis.call('GET', KEYS[1])
`;
