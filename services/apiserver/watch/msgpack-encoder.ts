// The watch framing for Rudder's own components: each {type, object} event as one
// length-prefixed msgpack frame (application/vnd.rudder.msgpack;stream=watch).
import { encodeFrame } from '../../../lib/api/msgpack.js';
import type { HubEvent, WatchEncoder } from './watch-hub.js';

export const msgpackWatchEncoder: WatchEncoder = {
  id: 'msgpack',
  encode: (event: HubEvent) => encodeFrame({ type: event.type, object: event.object }),
};
