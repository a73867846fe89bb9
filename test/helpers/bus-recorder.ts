// Records what a reader of the watch bus sees, for stories that compare it with what the writers
// were told: a raw bus watch (events and bookmarks) or an informer's changes after its first list.
import type { KubeObject } from '../../lib/api/object.js';
import type { BusWatch } from '../../lib/bus/bus.js';
import type { Informer } from '../../lib/client/informer.js';

export interface Seen {
  type: string;
  name: string;
  rv: number;
}

export interface Collected {
  events: Seen[];
  /** Each bookmark's resourceVersion and how many events had arrived before it. */
  bookmarks: { rv: number; after: number }[];
  /** How the watch ended, when it failed. */
  failure?: unknown;
  done: Promise<void>;
}

/** Reads a watch into arrays until it is closed or fails. */
export function collect(watch: BusWatch): Collected {
  const out: Collected = { events: [], bookmarks: [], done: Promise.resolve() };
  out.done = (async () => {
    try {
      for await (const event of watch) {
        if (event.type === 'BOOKMARK') out.bookmarks.push({ rv: Number(event.resourceVersion), after: out.events.length });
        else out.events.push({ type: event.type, name: event.object.metadata?.name ?? '', rv: Number(event.resourceVersion) });
      }
    } catch (error) {
      out.failure = error;
    }
  })();
  return out;
}

/** An informer's adds (after the first list), updates and deletes, in the order delivered. */
export function recordChanges<T extends KubeObject>(informer: Informer<T>): Seen[] {
  const seen: Seen[] = [];
  const record = (type: string, obj: T): void => void seen.push({ type, name: obj.metadata?.name ?? '', rv: Number(obj.metadata?.resourceVersion) });
  informer.addEventHandler({
    onAdd: (obj, initial) => initial || record('ADDED', obj),
    onUpdate: (_before, obj) => record('MODIFIED', obj),
    onDelete: (obj) => record('DELETED', obj),
  });
  return seen;
}
