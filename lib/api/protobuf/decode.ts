// Decodes request bodies sent as application/vnd.kubernetes.protobuf into the JSON objects the
// rest of the apiserver works with (see envelope.ts for the wire format), and, for tests and
// clients, whatever the apiserver answers as protobuf, watch events included. The schema is
// loaded once, on first use.
import protobuf from 'protobufjs';
import type { KubeObject } from '../object.js';
import { errors, failure, StatusError } from '../status.js';
import { ENVELOPE_PREFIX, PROTOBUF_MEDIA_TYPE, UNKNOWN_MESSAGE } from './envelope.js';
import { protoMessageFor, responseMessageFor, WATCH_EVENT_MESSAGE } from './kinds.js';
import { lazySchema, SchemaUnavailable } from './schema-loader.js';
import type { ProtobufSchema } from './schema.js';
import { BUILD_HINT, DEFAULT_SCHEMA_DIR } from './schema-files.js';
import { ProtoJsonConverter } from './to-json.js';

export { PROTOBUF_MEDIA_TYPE };

export interface ProtobufDecoder {
  /** Whether the schema was built, so protobuf bodies can be decoded. */
  available(): boolean;
  /** The JSON object a protobuf body carries; throws a StatusError (400, or 415 without a schema). */
  decode(body: Buffer): KubeObject;
  /** The event one frame of a protobuf watch carries (the frame's body, without its length prefix). */
  decodeWatchEvent(message: Uint8Array): { type: string; object: KubeObject };
}

export interface ProtobufDecoderOptions {
  /** The message of an apiVersion and kind the decoder takes; request-body kinds unless told. */
  messageFor?: (apiVersion: string, kind: string) => string | undefined;
}

interface Loaded {
  schema: ProtobufSchema;
  unknown: protobuf.Type;
  watchEvent: protobuf.Type;
  converter: ProtoJsonConverter;
}

function notBuilt(dir: string, why?: string): StatusError {
  const cause = why ? ` (${why})` : '';
  return failure(
    415,
    'UnsupportedMediaType',
    `this server was built without protobuf support: the Kubernetes protobuf schema is missing from ${dir}${cause}; send application/json instead, or ${BUILD_HINT} and restart the server`,
  );
}

function readFailure(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function decodeMessage(type: protobuf.Type, bytes: Uint8Array, what: string): protobuf.Message {
  try {
    return type.decode(bytes);
  } catch (error) {
    throw errors.badRequest(`the protobuf body could not be decoded as ${what}: ${readFailure(error)}`);
  }
}

/** A decoder over the schema in `dir`; nothing is read until it is first used. */
export function createProtobufDecoder(dir: string = DEFAULT_SCHEMA_DIR, options: ProtobufDecoderOptions = {}): ProtobufDecoder {
  const shared = lazySchema(dir);
  const messageFor = options.messageFor ?? protoMessageFor;
  let loaded: Loaded | undefined;

  const load = (): Loaded => {
    if (loaded) return loaded;
    let schema: ProtobufSchema;
    try {
      schema = shared.load();
    } catch (error) {
      if (error instanceof SchemaUnavailable) throw notBuilt(error.dir, error.why);
      throw error;
    }
    loaded = {
      schema,
      unknown: schema.root.lookupType(UNKNOWN_MESSAGE),
      watchEvent: schema.root.lookupType(WATCH_EVENT_MESSAGE),
      converter: new ProtoJsonConverter(schema.goFields),
    };
    return loaded;
  };

  /** A WatchEvent's object is an enveloped protobuf object, not the JSON a RawExtension usually holds. */
  const watchEventJson = (message: protobuf.Message): { type: string; object: KubeObject } => {
    const { type, object } = message as unknown as { type?: string; object?: { raw?: Uint8Array } };
    const raw = object?.raw;
    if (raw === undefined || raw.length === 0) throw errors.badRequest('the protobuf watch event holds no object');
    return { type: type ?? '', object: decode(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength)) };
  };

  const decode = (body: Buffer): KubeObject => {
    const { schema, unknown, watchEvent, converter } = load();
    if (body.length < ENVELOPE_PREFIX.length || !body.subarray(0, ENVELOPE_PREFIX.length).equals(ENVELOPE_PREFIX)) {
      throw errors.badRequest('the protobuf body does not start with the Kubernetes envelope prefix "k8s\\x00"');
    }
    const envelope = decodeMessage(unknown, body.subarray(ENVELOPE_PREFIX.length), 'a runtime.Unknown envelope') as unknown as {
      typeMeta?: { apiVersion?: string; kind?: string };
      raw?: Uint8Array;
      contentEncoding?: string;
      contentType?: string;
    };
    const apiVersion = envelope.typeMeta?.apiVersion ?? '';
    const kind = envelope.typeMeta?.kind ?? '';
    // Only the unversioned discovery kinds may leave apiVersion empty (APIVersions does, at /api).
    if (kind === '' || (apiVersion === '' && messageFor(apiVersion, kind) === undefined)) throw errors.badRequest("the protobuf envelope's typeMeta names no apiVersion and kind");
    if (envelope.contentEncoding) throw errors.badRequest(`unsupported protobuf content encoding ${JSON.stringify(envelope.contentEncoding)}`);
    if (envelope.contentType && envelope.contentType !== PROTOBUF_MEDIA_TYPE) {
      throw errors.badRequest(`unsupported content type ${JSON.stringify(envelope.contentType)} inside the protobuf envelope`);
    }
    const messageName = messageFor(apiVersion, kind);
    if (messageName === undefined) throw errors.badRequest(`no kind "${kind}" is registered for version "${apiVersion}"`);
    let type: protobuf.Type;
    try {
      type = schema.root.lookupType(messageName);
    } catch {
      throw notBuilt(dir, `it has no message ${messageName} for ${apiVersion} ${kind}`);
    }
    const message = decodeMessage(type, envelope.raw ?? new Uint8Array(), `${apiVersion} ${kind}`);
    if (type === watchEvent) return { apiVersion, kind, ...watchEventJson(message) };
    const object: KubeObject = { apiVersion, kind, ...converter.message(type, message) };
    // Go's nil and empty slices are the same on the wire, but a list's JSON always has its items.
    if (object.items === undefined && type.fields.items?.repeated === true) object.items = [];
    return object;
  };

  return {
    available: () => shared.available(),
    decode,
    decodeWatchEvent: (message) => watchEventJson(decodeMessage(load().watchEvent, message, 'a watch event')),
  };
}

const defaultDecoder = createProtobufDecoder();
const responseDecoder = createProtobufDecoder(DEFAULT_SCHEMA_DIR, { messageFor: responseMessageFor });

/** Decodes a protobuf request body with the schema under dist/proto. */
export function decodeProtobufObject(body: Buffer): KubeObject {
  return defaultDecoder.decode(body);
}

/** Decodes anything the apiserver answers with as protobuf (lists, Status, metadata, discovery too). */
export function decodeProtobufResponse(body: Buffer): KubeObject {
  return responseDecoder.decode(body);
}

/** Decodes the body of one frame of a protobuf watch response. */
export function decodeProtobufWatchEvent(message: Uint8Array): { type: string; object: KubeObject } {
  return responseDecoder.decodeWatchEvent(message);
}

/** Whether the protobuf schema is built: both reading and writing protobuf depend on it. */
export function protobufAvailable(): boolean {
  return defaultDecoder.available();
}
