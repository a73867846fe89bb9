// Objects in the shape Kubernetes writes them. kube-apiserver decodes every object into its Go
// type and encodes it back, so what it stores and serves has Go's shape: zero values of
// `omitempty` fields gone (an env var's `value: ""`, an empty `data: {}`), fields without
// `omitempty` present even when zero (a ReplicaSet's `status.replicas: 0`, an Event's
// `source: {}`), quantities canonical ("1.5Gi" is "1536Mi", 0.25 is "250m"). The protobuf schema
// carries exactly those rules, so a write goes through it once before it is stored — and then the
// JSON, msgpack and protobuf a client reads back are the same object.
import type { KubeObject } from './object.js';
import { decodeProtobufResponse } from './protobuf/decode.js';
import { encodeProtobufObject, protobufEncodable } from './protobuf/encode.js';

/** The object as Kubernetes would store it; unchanged when no protobuf schema was built. */
export function canonicalForm<T extends KubeObject>(obj: T): T {
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  if (!protobufEncodable(apiVersion, kind)) return obj;
  return decodeProtobufResponse(encodeProtobufObject(obj)) as T;
}
