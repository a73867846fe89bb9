// Request bodies Kubernetes accepts: JSON, YAML and protobuf objects (kubectl 1.33's typed
// commands send protobuf), the three PATCH formats and server-side apply's YAML; plus msgpack objects from Rudder's own
// components. Whatever the format, the parsed body passes through the one decoding boundary
// (lib/api/json-value.ts) before a handler sees it: JSON values only, bounded depth and size.
// Bodies are limited to 3 MiB; an unknown format is a 415 Status.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseAllDocuments } from 'yaml';
import { admitParsedJson, toJsonValue, type JsonValue } from '../../../lib/api/json-value.js';
import { decodeMsgpack, MSGPACK_MEDIA_TYPE } from '../../../lib/api/msgpack.js';
import { decodeProtobufObject, PROTOBUF_MEDIA_TYPE } from '../../../lib/api/protobuf/decode.js';
import { errors } from '../../../lib/api/status.js';
import { MAX_BODY_BYTES } from './errors.js';

export const APPLY_PATCH_TYPE = 'application/apply-patch+yaml';

export const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
] as const;

declare module 'fastify' {
  interface FastifyRequest {
    /** The text of a JSON body, kept for the strict decoder's duplicate-field check. */
    jsonText?: string;
    /** How many object keys the parsed JSON body holds. */
    jsonKeys?: number;
  }
}

const BODY = 'the request body';

type Done = (error: Error | null, body?: JsonValue) => void;

/** Runs a format's decoder and hands the handler its JSON value, or the failure as a Status. */
function admit(done: Done, decode: () => unknown): void {
  let value: JsonValue;
  try {
    value = toJsonValue(decode(), BODY);
  } catch (error) {
    done(error as Error);
    return;
  }
  done(null, value);
}

function parseYamlBody(text: string): unknown {
  // The parser's warnings (a mapping used as a key, an unknown tag) are about the client's body:
  // left on, each request could print one to the server's stderr.
  const documents = parseAllDocuments(text, { logLevel: 'error' });
  if (Array.isArray(documents) && documents.length > 1) throw errors.badRequest('the request body holds more than one YAML document');
  const doc = Array.isArray(documents) ? documents[0] : documents;
  if (!doc) throw errors.badRequest('the request body is empty; expected a JSON or YAML object');
  if (doc.errors.length > 0) throw errors.badRequest(`the request body is not valid YAML: ${doc.errors[0]?.message ?? 'parse error'}`);
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // Aliases that resolve to nothing or expand without bound.
    throw errors.badRequest(`the request body is not valid YAML: ${(error as Error).message}`);
  }
}

export function installBodyParsers(app: FastifyInstance): void {
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser(['application/json', ...PATCH_TYPES], { parseAs: 'string', bodyLimit: MAX_BODY_BYTES }, (request: FastifyRequest, body: string | Buffer, done) => {
    const text = String(body);
    // An empty body is no body (clients send DELETE with a JSON content type and nothing else);
    // the handlers that need one answer 400.
    if (text.trim() === '') return done(null, undefined);
    // Plain JSON.parse: a "__proto__" key becomes an own property, which the decoding
    // boundary refuses in every format.
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return done(errors.badRequest(`the request body is not valid JSON: ${(error as Error).message}`), undefined);
    }
    let admitted: { value: JsonValue; keys: number };
    try {
      admitted = admitParsedJson(parsed, BODY);
    } catch (failure) {
      return done(failure as Error, undefined);
    }
    request.jsonText = text;
    request.jsonKeys = admitted.keys;
    done(null, admitted.value);
  });
  // A server-side apply body is YAML (of which JSON is a part).
  app.addContentTypeParser(['application/yaml', 'application/x-yaml', 'text/yaml', APPLY_PATCH_TYPE], { parseAs: 'string', bodyLimit: MAX_BODY_BYTES }, (_request, body, done) => {
    admit(done, () => parseYamlBody(String(body)));
  });
  app.addContentTypeParser(PROTOBUF_MEDIA_TYPE, { parseAs: 'buffer', bodyLimit: MAX_BODY_BYTES }, (_request, body, done) => {
    admit(done, () => decodeProtobufObject(body as Buffer));
  });
  app.addContentTypeParser(MSGPACK_MEDIA_TYPE, { parseAs: 'buffer', bodyLimit: MAX_BODY_BYTES }, (_request, body, done) => {
    if ((body as Buffer).length === 0) return done(null, undefined);
    admit(done, () => {
      try {
        return decodeMsgpack(body as Buffer);
      } catch (error) {
        throw errors.badRequest(`the request body is not valid msgpack: ${(error as Error).message}`);
      }
    });
  });
}
