// The embedded watch bus: the apiserver's own watch stream, msgpack-framed for Rudder's
// components, with label and field selectors evaluated on the server. A 410 ERROR event (history
// compacted past the requested resourceVersion) becomes WatchGoneError; an ended or dropped
// stream simply ends the iteration.
import { randomInt } from 'node:crypto';
import type { KubeObject } from '../api/object.js';
import { StatusError, type Status } from '../api/status.js';
import type { RestClient } from '../client/rest-client.js';
import { WatchGoneError, type BusEvent, type BusWatch, type BusWatchRequest, type WatchBus } from './bus.js';

export interface HttpBusOptions {
  /** Server-side timeout of one watch request; client-go picks 5–10 minutes at random. */
  timeoutSeconds?: () => number;
}

export class HttpBus implements WatchBus {
  readonly kind = 'http' as const;

  constructor(
    private readonly client: RestClient,
    private readonly options: HttpBusOptions = {},
  ) {}

  watch<T extends KubeObject = KubeObject>(request: BusWatchRequest): BusWatch<T> {
    const controller = new AbortController();
    const client = this.client;
    const timeoutSeconds = this.options.timeoutSeconds?.() ?? randomInt(300, 600);
    async function* events(): AsyncGenerator<BusEvent<T>> {
      let stream;
      try {
        stream = await client.watch<T>(request.resource, {
          namespace: request.namespace,
          labelSelector: request.labelSelector,
          fieldSelector: request.fieldSelector,
          resourceVersion: request.resourceVersion,
          allowWatchBookmarks: request.bookmarks ?? false,
          timeoutSeconds,
          signal: controller.signal,
        });
      } catch (error) {
        if (controller.signal.aborted) return;
        if (error instanceof StatusError && error.code === 410) throw new WatchGoneError('expired', error.message);
        throw error;
      }
      try {
        for await (const event of stream) {
          if (event.type === 'ERROR') {
            const status = event.object as unknown as Status;
            if (status.code === 410) throw new WatchGoneError('expired', status.message ?? 'resourceVersion too old');
            throw new StatusError(status);
          }
          yield { type: event.type, object: event.object, resourceVersion: event.object.metadata?.resourceVersion ?? '' };
        }
      } finally {
        stream.close();
      }
    }
    return {
      [Symbol.asyncIterator]: () => events(),
      close: () => controller.abort(),
    };
  }

  async close(): Promise<void> {
    // The REST client belongs to the caller.
  }
}
