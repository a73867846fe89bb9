// Protobuf request bodies: an object's own encoding (what kubectl sends), the same with unknown
// fields added to the object's message or bytes flipped, cut or inserted, and runtime.Unknown
// envelopes put together by hand: any apiVersion and kind, a raw of another kind or of random
// bytes, content encodings and types that are not protobuf.
import protobuf from 'protobufjs';
import { ENVELOPE_PREFIX } from '../../lib/api/protobuf/envelope.js';
import { encodeProtobufObject, type EncodableObject } from '../../lib/api/protobuf/encode.js';
import { RESOURCES, apiVersionOf } from '../../lib/api/resources.js';
import { damageBytes } from './damage.js';
import type { Dice } from './dice.js';

interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding: string;
  contentType: string;
}

function writeUnknown(envelope: Envelope): Buffer {
  const writer = protobuf.Writer.create();
  writer.uint32(0x0a).fork().uint32(0x0a).string(envelope.apiVersion).uint32(0x12).string(envelope.kind).ldelim();
  writer.uint32(0x12).bytes(envelope.raw);
  writer.uint32(0x1a).string(envelope.contentEncoding).uint32(0x22).string(envelope.contentType);
  return Buffer.concat([ENVELOPE_PREFIX, writer.finish()]);
}

/** The raw message inside a body that encodeProtobufObject wrote. */
function rawOf(body: Buffer): Uint8Array {
  const reader = protobuf.Reader.create(body.subarray(ENVELOPE_PREFIX.length));
  let raw: Uint8Array = new Uint8Array();
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag >>> 3 === 2) raw = reader.bytes();
    else reader.skipType(tag & 7);
  }
  return raw;
}

function randomBytes(d: Dice, max: number): Uint8Array {
  return Uint8Array.from({ length: d.int(0, max) }, () => d.int(0, 255));
}

/** A field the schema does not have, in any wire type, appended to a message. */
function unknownField(d: Dice): Uint8Array {
  const writer = protobuf.Writer.create();
  const field = d.pick([15, 99, 1000, 2 ** 29 - 1, d.int(16, 5000)]);
  switch (d.int(0, 3)) {
    case 0:
      writer.uint32((field << 3) | 0).uint64(d.int(0, 2 ** 31));
      break;
    case 1:
      writer.uint32((field << 3) | 1).fixed64(d.int(0, 2 ** 31));
      break;
    case 2:
      writer.uint32((field << 3) | 2).bytes(randomBytes(d, 40));
      break;
    default:
      writer.uint32((field << 3) | 5).fixed32(d.int(0, 2 ** 31));
      break;
  }
  return writer.finish();
}

function typeMeta(object: Record<string, unknown>, d: Dice): [string, string] {
  const text = (value: unknown): string => (typeof value === 'string' ? value : '');
  const own: [string, string] = [text(object.apiVersion), text(object.kind)];
  const other = d.pick(RESOURCES);
  return d.pick<[string, string]>([own, own, own, [apiVersionOf(other), other.kind], ['v1', 'Status'], ['', own[1]], [own[0], ''], ['v1', 'WatchEvent'], ['meta.k8s.io/v1', 'WatchEvent'], ['v1', 'List'], ['bogus/v9', 'Thing']]);
}

/** The protobuf body of `object`, as `d` chooses to make or break it. */
export function protobufBytes(object: Record<string, unknown>, d: Dice): Buffer {
  let valid: Buffer | undefined;
  try {
    valid = encodeProtobufObject(object as EncodableObject);
  } catch {
    // Values the schema cannot hold (the wrong type in a typed field): only a hand-made envelope.
    valid = undefined;
  }
  if (valid !== undefined && d.chance(0.6)) return d.chance(0.25) ? damageBytes(valid, d) : valid;
  const [apiVersion, kind] = typeMeta(object, d);
  const raw = valid === undefined ? randomBytes(d, 200) : rawOf(valid);
  const envelope: Envelope = {
    apiVersion,
    kind,
    raw: d.chance(0.6) ? Buffer.concat([raw, unknownField(d)]) : d.chance(0.5) ? raw : randomBytes(d, 64),
    contentEncoding: d.chance(0.9) ? '' : d.pick(['gzip', 'identity', 'x']),
    contentType: d.chance(0.85) ? '' : d.pick(['application/vnd.kubernetes.protobuf', 'application/json', 'text/plain']),
  };
  const body = writeUnknown(envelope);
  return d.chance(0.1) ? damageBytes(body, d) : body;
}
