// The watch bus: how a component follows changes to a resource after it listed it. Two
// implementations share this contract: `http` (the apiserver's own watch stream, selectors
// evaluated on the server) and `redis` (Redis Streams fed by the leading apiserver).
//
// Contract:
// - A watch delivers the changes after `resourceVersion`, each once, in resourceVersion order,
//   for the objects its namespace, labelSelector and fieldSelector select (an object leaving the
//   selection arrives as DELETED, one entering it as ADDED).
// - BOOKMARK events (when asked for) carry a resourceVersion R: every change up to R has been
//   delivered; a later watch may start from R.
// - A watch that cannot prove it missed nothing (history compacted, a gap in the stream, a
//   trimmed stream, a restarted Redis) throws WatchGoneError: the caller relists from the
//   apiserver and watches again from the new list's resourceVersion. Never a silent hole.
// - Iteration may also simply end (timeout, connection lost): the caller watches again from the
//   last resourceVersion it saw.
// Writes never go through the bus; they go to the apiserver.
import type { KubeObject } from '../api/object.js';
import type { ResourceInfo } from '../api/resources.js';

export type BusKind = 'http' | 'redis';

export interface BusWatchRequest {
  resource: ResourceInfo;
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Deliver changes after this resourceVersion (from a list). */
  resourceVersion: string;
  bookmarks?: boolean;
}

export interface BusEvent<T extends KubeObject = KubeObject> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';
  object: T;
  /** The event's resourceVersion (the object's, for BOOKMARK the position reached). */
  resourceVersion: string;
}

export interface BusWatch<T extends KubeObject = KubeObject> extends AsyncIterable<BusEvent<T>> {
  /** Ends the iteration; safe to call more than once. */
  close(): void;
}

export interface WatchBus {
  readonly kind: BusKind;
  watch<T extends KubeObject = KubeObject>(request: BusWatchRequest): BusWatch<T>;
  close(): Promise<void>;
}

export type GoneReason = 'expired' | 'gap' | 'redis-restart';

/** The watch cannot continue from where it is: relist. */
export class WatchGoneError extends Error {
  override name = 'WatchGoneError';
  constructor(
    readonly reason: GoneReason,
    message: string,
  ) {
    super(message);
  }
}

export function isWatchGone(error: unknown): error is WatchGoneError {
  return error instanceof WatchGoneError;
}
