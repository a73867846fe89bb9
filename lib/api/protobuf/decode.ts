// Decodes request bodies sent as application/vnd.kubernetes.protobuf into the JSON objects the
// rest of the apiserver works with. The wire format: the four bytes "k8s\0", then a
// runtime.Unknown whose typeMeta names the object's apiVersion and kind and whose raw field is
// the object's own message. The schema is loaded once, on the first protobuf request.
import protobuf from 'protobufjs';
import type { KubeObject } from '../object.js';
import { errors, failure, StatusError } from '../status.js';
import { protoMessageFor } from './kinds.js';
import { loadSchema, schemaBuilt, type ProtobufSchema } from './schema.js';
import { BUILD_HINT, DEFAULT_SCHEMA_DIR } from './schema-source.js';
import { ProtoJsonConverter } from './to-json.js';

export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

/** The envelope prefix: "k8s" and a zero byte. */
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
const UNKNOWN = 'k8s.io.apimachinery.pkg.runtime.Unknown';

export interface ProtobufDecoder {
  /** Whether the schema was built, so protobuf bodies can be decoded. */
  available(): boolean;
  /** The JSON object a protobuf body carries; throws a StatusError (400, or 415 without a schema). */
  decode(body: Buffer): KubeObject;
}

interface Loaded {
  schema: ProtobufSchema;
  unknown: protobuf.Type;
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
export function createProtobufDecoder(dir: string = DEFAULT_SCHEMA_DIR): ProtobufDecoder {
  let loaded: Loaded | undefined;
  let loadError: string | undefined;

  const load = (): Loaded => {
    if (loaded) return loaded;
    if (!schemaBuilt(dir)) throw notBuilt(dir);
    if (loadError !== undefined) throw notBuilt(dir, loadError);
    try {
      const schema = loadSchema(dir);
      loaded = { schema, unknown: schema.root.lookupType(UNKNOWN), converter: new ProtoJsonConverter(schema.goFields) };
      return loaded;
    } catch (error) {
      loadError = `it could not be read: ${readFailure(error)}`;
      throw notBuilt(dir, loadError);
    }
  };

  return {
    available: () => loaded !== undefined || (loadError === undefined && schemaBuilt(dir)),
    decode(body: Buffer): KubeObject {
      const { schema, unknown, converter } = load();
      if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) {
        throw errors.badRequest('the protobuf body does not start with the Kubernetes envelope prefix "k8s\\x00"');
      }
      const envelope = decodeMessage(unknown, body.subarray(MAGIC.length), 'a runtime.Unknown envelope') as unknown as {
        typeMeta?: { apiVersion?: string; kind?: string };
        raw?: Uint8Array;
        contentEncoding?: string;
        contentType?: string;
      };
      const apiVersion = envelope.typeMeta?.apiVersion ?? '';
      const kind = envelope.typeMeta?.kind ?? '';
      if (apiVersion === '' || kind === '') throw errors.badRequest("the protobuf envelope's typeMeta names no apiVersion and kind");
      if (envelope.contentEncoding) throw errors.badRequest(`unsupported protobuf content encoding ${JSON.stringify(envelope.contentEncoding)}`);
      if (envelope.contentType && envelope.contentType !== PROTOBUF_MEDIA_TYPE) {
        throw errors.badRequest(`unsupported content type ${JSON.stringify(envelope.contentType)} inside the protobuf envelope`);
      }
      const messageName = protoMessageFor(apiVersion, kind);
      if (messageName === undefined) throw errors.badRequest(`no kind "${kind}" is registered for version "${apiVersion}"`);
      let type: protobuf.Type;
      try {
        type = schema.root.lookupType(messageName);
      } catch {
        throw notBuilt(dir, `it has no message ${messageName} for ${apiVersion} ${kind}`);
      }
      const message = decodeMessage(type, envelope.raw ?? new Uint8Array(), `${apiVersion} ${kind}`);
      return { apiVersion, kind, ...converter.message(type, message) };
    },
  };
}

const defaultDecoder = createProtobufDecoder();

/** Decodes a protobuf request body with the schema under dist/proto. */
export function decodeProtobufObject(body: Buffer): KubeObject {
  return defaultDecoder.decode(body);
}

export function protobufAvailable(): boolean {
  return defaultDecoder.available();
}
