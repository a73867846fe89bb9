// A request body in each content type the apiserver takes, with the media type spelled as
// clients spell it (parameters, aliases).
import { MSGPACK_MEDIA_TYPE } from '../../lib/api/msgpack.js';
import { PROTOBUF_MEDIA_TYPE } from '../../lib/api/protobuf/envelope.js';
import type { Dice } from './dice.js';
import { jsonText } from './encode-json.js';
import { msgpackBytes } from './encode-msgpack.js';
import { protobufBytes } from './encode-protobuf.js';
import { yamlText } from './encode-yaml.js';

export const BODY_FORMATS = ['json', 'yaml', 'msgpack', 'protobuf'] as const;
export type BodyFormat = (typeof BODY_FORMATS)[number];

export interface EncodedBody {
  format: BodyFormat;
  contentType: string;
  bytes: Buffer;
}

const MEDIA_TYPES: Record<BodyFormat, readonly string[]> = {
  json: ['application/json', 'application/json', 'application/json; charset=utf-8', 'Application/JSON'],
  yaml: ['application/yaml', 'application/yaml', 'application/x-yaml', 'text/yaml', 'application/yaml; charset=utf-8'],
  msgpack: [MSGPACK_MEDIA_TYPE, MSGPACK_MEDIA_TYPE, `${MSGPACK_MEDIA_TYPE}; v=1`],
  protobuf: [PROTOBUF_MEDIA_TYPE, PROTOBUF_MEDIA_TYPE, `${PROTOBUF_MEDIA_TYPE}; charset=binary`],
};

export function encodeBody(object: Record<string, unknown>, format: BodyFormat, d: Dice): EncodedBody {
  const contentType = d.pick(MEDIA_TYPES[format]);
  switch (format) {
    case 'json':
      return { format, contentType, bytes: Buffer.from(jsonText(object, d), 'utf8') };
    case 'yaml':
      return { format, contentType, bytes: Buffer.from(yamlText(object, d), 'utf8') };
    case 'msgpack':
      return { format, contentType, bytes: msgpackBytes(object, d) };
    case 'protobuf':
      return { format, contentType, bytes: protobufBytes(object, d) };
  }
}
