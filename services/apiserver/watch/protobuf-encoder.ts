// The watch framing Kubernetes' own clients read when they ask for protobuf
// (application/vnd.kubernetes.protobuf;stream=watch): each event a length-prefixed WatchEvent
// message whose object is the object's full protobuf envelope.
import { encodeProtobufWatchEvent } from '../../../lib/api/protobuf/encode.js';
import type { HubEvent, WatchEncoder } from './watch-hub.js';

export const protobufWatchEncoder: WatchEncoder = {
  id: 'protobuf',
  encode: (event: HubEvent) => encodeProtobufWatchEvent({ type: event.type, object: event.object }),
};
