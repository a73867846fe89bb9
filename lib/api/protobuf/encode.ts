// Writes the objects the apiserver answers with as application/vnd.kubernetes.protobuf, byte for
// byte as kube-apiserver does, for clients that ask for it (client-go configured for protobuf:
// kube-scheduler, kube-controller-manager). Objects and lists are enveloped ("k8s\0" and a
// runtime.Unknown); a protobuf watch is a stream of length-prefixed WatchEvent messages without
// an envelope, each holding its object's full envelope as raw bytes, as kube-apiserver's watch
// encoder pairs the stream serializer with the embedded object serializer.
import protobuf from 'protobufjs';
import { lengthPrefixed } from '../frames.js';
import type { KubeList, KubeObject } from '../object.js';
import { errors, failure, StatusError, type Status } from '../status.js';
import { writeEnvelope } from './envelope.js';
import { JsonProtoConverter } from './from-json.js';
import { responseMessageFor, WATCH_EVENT_MESSAGE } from './kinds.js';
import { lazySchema, SchemaUnavailable } from './schema-loader.js';
import { BUILD_HINT, DEFAULT_SCHEMA_DIR } from './schema-files.js';
import type { ProtobufSchema } from './schema.js';

/** What the apiserver answers with; the encoder reads any of them field by field, as JSON. */
export type EncodableObject = KubeObject | KubeList | Status;

/** A watch event as the JSON watch writes it. */
export interface WatchEventObject {
  type: string;
  object: EncodableObject;
}

export interface ProtobufEncoder {
  /** Whether the schema was built, so protobuf answers can be written at all. */
  available(): boolean;
  /** Whether objects of this apiVersion and kind have a protobuf form (false without a schema). */
  encodable(apiVersion: string, kind: string): boolean;
  /** "k8s\0" + runtime.Unknown around the object's message; throws a StatusError (406, or 500 for a malformed object). */
  encode(object: EncodableObject): Buffer;
  /** One frame of a protobuf watch: a 4-byte big-endian length, then the WatchEvent message. */
  encodeWatchEvent(event: WatchEventObject): Buffer;
}

interface Loaded {
  schema: ProtobufSchema;
  converter: JsonProtoConverter;
  watchEvent: protobuf.Type;
}

function notBuilt(unavailable: SchemaUnavailable): StatusError {
  const cause = unavailable.why ? ` (${unavailable.why})` : '';
  return failure(
    406,
    'NotAcceptable',
    `this server was built without protobuf support: the Kubernetes protobuf schema is missing from ${unavailable.dir}${cause}; accept application/json instead, or ${BUILD_HINT} and restart the server`,
  );
}

/** Kubernetes itself has no protobuf form for these (Table) or for kinds outside its schema (custom resources). */
function noProtobufForm(apiVersion: string, kind: string): StatusError {
  return failure(406, 'NotAcceptable', `the server has no protobuf form for ${kind} of ${apiVersion === '' ? 'no group version' : apiVersion}; accept application/json instead`);
}

/** An encoder over the schema in `dir`; nothing is read until it is first used. */
export function createProtobufEncoder(dir: string = DEFAULT_SCHEMA_DIR): ProtobufEncoder {
  const shared = lazySchema(dir);
  let loaded: Loaded | undefined;

  const load = (): Loaded => {
    if (loaded) return loaded;
    let schema: ProtobufSchema;
    try {
      schema = shared.load();
    } catch (error) {
      if (error instanceof SchemaUnavailable) throw notBuilt(error);
      throw error;
    }
    loaded = { schema, converter: new JsonProtoConverter(schema.goFields), watchEvent: schema.root.lookupType(WATCH_EVENT_MESSAGE) };
    return loaded;
  };

  const types = new Map<string, protobuf.Type | undefined>();
  const typeFor = (apiVersion: string, kind: string): protobuf.Type | undefined => {
    const key = `${apiVersion} ${kind}`;
    if (types.has(key)) return types.get(key);
    const name = responseMessageFor(apiVersion, kind);
    // An older schema may lack a message kinds.ts names (a package added later).
    const found = name === undefined ? undefined : load().schema.root.lookup(name);
    const type = found instanceof protobuf.Type ? found : undefined;
    types.set(key, type);
    return type;
  };

  const encode = (answer: EncodableObject): Buffer => {
    const object = answer as Record<string, unknown>;
    const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : '';
    const kind = typeof object.kind === 'string' ? object.kind : '';
    const type = typeFor(apiVersion, kind);
    if (type === undefined) throw noProtobufForm(apiVersion, kind);
    const { converter, watchEvent } = load();
    // The object of an enveloped WatchEvent is itself enveloped protobuf, not JSON.
    const raw = type === watchEvent ? watchEventMessage(object.type, object.object) : converter.encode(type, object);
    return writeEnvelope(apiVersion, kind, raw);
  };

  const watchEventMessage = (type: unknown, object: unknown): Uint8Array => {
    if (typeof type !== 'string') throw errors.internal('cannot write a watch event as protobuf: it has no type');
    const writer = protobuf.Writer.create();
    writer.uint32(0x0a).string(type);
    // RawExtension is not a pointer: written even when it holds nothing.
    writer.uint32(0x12).fork();
    if (object !== undefined && object !== null) {
      if (typeof object !== 'object' || Array.isArray(object)) throw errors.internal('cannot write a watch event as protobuf: its object is not an object');
      writer.uint32(0x0a).bytes(encode(object as EncodableObject));
    }
    writer.ldelim();
    return writer.finish();
  };

  return {
    available: () => shared.available(),
    encodable: (apiVersion, kind) => {
      if (!shared.available()) return false;
      try {
        return typeFor(apiVersion, kind) !== undefined;
      } catch (error) {
        if (error instanceof StatusError) return false;
        throw error;
      }
    },
    encode,
    encodeWatchEvent: (event) => lengthPrefixed(watchEventMessage(event.type, event.object)),
  };
}

const defaultEncoder = createProtobufEncoder();

/** The protobuf form of an object, list or Status the apiserver answers with, using the schema under dist/proto. */
export function encodeProtobufObject(object: EncodableObject): Buffer {
  return defaultEncoder.encode(object);
}

/** One frame of an application/vnd.kubernetes.protobuf;stream=watch response. */
export function encodeProtobufWatchEvent(event: WatchEventObject): Buffer {
  return defaultEncoder.encodeWatchEvent(event);
}

/** Whether an answer of this apiVersion and kind can be offered as protobuf (schema built, kind has a protobuf form). */
export function protobufEncodable(apiVersion: string, kind: string): boolean {
  return defaultEncoder.encodable(apiVersion, kind);
}
