// Response formats chosen from the Accept header as Kubernetes negotiates them: plain JSON, YAML,
// protobuf (Kubernetes' own components ask for it), a server-side Table (kubectl get, JSON only
// as in Kubernetes), or PartialObjectMetadata (JSON or protobuf); Rudder's own components may ask
// for msgpack; 406 when none is acceptable. Protobuf is offered only when its schema was built.
import { MSGPACK_MEDIA_TYPE } from './msgpack.js';
import { protobufAvailable } from './protobuf/decode.js';
import { PROTOBUF_MEDIA_TYPE } from './protobuf/envelope.js';
import { errors } from './status.js';

export type ResponseFormat =
  | { kind: 'json' }
  | { kind: 'yaml' }
  | { kind: 'msgpack' }
  | { kind: 'protobuf' }
  | { kind: 'table'; version: 'v1' | 'v1beta1' }
  | { kind: 'metadata'; version: 'v1' | 'v1beta1'; protobuf?: true };

interface MediaRange {
  type: string;
  params: Record<string, string>;
  q: number;
}

export function parseAccept(header: string | undefined): MediaRange[] {
  if (!header || header.trim() === '') return [{ type: '*/*', params: {}, q: 1 }];
  return header
    .split(',')
    .map((part) => {
      const [type, ...rest] = part.split(';').map((s) => s.trim());
      const params: Record<string, string> = {};
      for (const p of rest) {
        const eq = p.indexOf('=');
        if (eq > 0) params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim();
      }
      const q = params.q === undefined ? 1 : Number(params.q);
      delete params.q;
      return { type: (type ?? '').toLowerCase(), params, q: Number.isFinite(q) ? q : 0 };
    })
    .filter((m) => m.type !== '' && m.q > 0)
    .sort((a, b) => b.q - a.q);
}

function jsonish(type: string): boolean {
  return type === 'application/json' || type === 'application/*' || type === '*/*';
}

function protobufOffered(type: string): boolean {
  return type === PROTOBUF_MEDIA_TYPE && protobufAvailable();
}

/** Whether an error can be written as protobuf: the client takes protobuf and not JSON. */
export function wantsProtobufStatus(header: string | undefined): boolean {
  const ranges = parseAccept(header);
  return !ranges.some((range) => jsonish(range.type)) && ranges.some((range) => protobufOffered(range.type));
}

/**
 * Picks the first acceptable format. `tables` says whether the endpoint can answer as=Table
 * (lists, gets and watches of resources can; discovery cannot); `protobuf` false for a kind that
 * has no protobuf form (custom resources: a client offering JSON too gets JSON, as from Kubernetes).
 */
const JSON_FORMAT: ResponseFormat = Object.freeze({ kind: 'json' });

export function negotiate(header: string | undefined, tables: boolean, protobuf = true): ResponseFormat {
  // What most clients send, without parsing it.
  if (header === 'application/json' || header === undefined || header === '*/*') return JSON_FORMAT;
  const ranges = parseAccept(header);
  for (const range of ranges) {
    const as = range.params.as;
    if (as !== undefined) {
      const protobuf = protobufOffered(range.type);
      if (!tables || !(jsonish(range.type) || protobuf)) continue;
      if (range.params.g !== undefined && range.params.g !== 'meta.k8s.io') continue;
      const version = range.params.v ?? 'v1';
      if (version !== 'v1' && version !== 'v1beta1') continue;
      // Kubernetes writes Tables as JSON (or YAML) only.
      if (as === 'Table' && !protobuf) return { kind: 'table', version };
      if (as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') return protobuf ? { kind: 'metadata', version, protobuf } : { kind: 'metadata', version };
      continue;
    }
    if (jsonish(range.type)) return { kind: 'json' };
    if (range.type === 'application/yaml') return { kind: 'yaml' };
    if (range.type === MSGPACK_MEDIA_TYPE) return { kind: 'msgpack' };
    if (protobuf && protobufOffered(range.type)) return { kind: 'protobuf' };
  }
  throw errors.notAcceptable(`application/json, application/yaml, ${PROTOBUF_MEDIA_TYPE}, ${MSGPACK_MEDIA_TYPE}, application/json;as=Table;g=meta.k8s.io;v=v1`);
}
