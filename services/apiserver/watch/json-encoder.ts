// The JSON watch framing kubectl and client libraries read: one {"type","object"} per line.
import type { HubEvent, WatchEncoder } from './watch-hub.js';

export const jsonWatchEncoder: WatchEncoder = {
  id: 'json',
  encode: (event: HubEvent) => `{"type":"${event.type}","object":${JSON.stringify(event.object)}}\n`,
};
