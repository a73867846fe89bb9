// The lowest value a count over a resource's objects takes while a test acts: an informer's cache
// is counted after every event, for stories such as "never fewer than two Ready pods".
import type { Test } from 'tap';
import type { KubeObject } from '../../lib/api/object.js';
import type { ResourceInfo } from '../../lib/api/resources.js';
import { HttpBus } from '../../lib/bus/http-bus.js';
import { Informer } from '../../lib/client/informer.js';
import type { RestClient } from '../../lib/client/rest-client.js';

export interface WatchFloor {
  /** The lowest count since the last reset (the current count right after it). */
  least(): number;
  /** Forgets the history: counting starts again from the current objects. */
  reset(): void;
}

export async function watchFloor<T extends KubeObject>(t: Test, client: RestClient, resource: ResourceInfo, count: (objects: T[]) => number): Promise<WatchFloor> {
  const watcher = new Informer({ client, bus: new HttpBus(client), resource });
  let least = Infinity;
  const observe = (): void => {
    least = Math.min(least, count(watcher.indexer.list() as T[]));
  };
  watcher.addEventHandler({ onAdd: observe, onUpdate: observe, onDelete: observe });
  watcher.start();
  t.teardown(() => watcher.stop());
  if (!(await watcher.waitForSync(10_000))) throw new Error(`the ${resource.resource} informer did not sync`);
  return {
    least: () => least,
    reset: () => {
      least = Infinity;
      observe();
    },
  };
}
