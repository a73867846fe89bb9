// /openapi/v2 and /openapi/v3: the generated documents, read once at startup and served
// as Kubernetes serves them. v2 comes as JSON or as gnostic protobuf depending on Accept
// (client-go asks for protobuf); v3 has an index whose URLs carry a content hash, and a
// request with the current hash gets a response cacheable for a year.
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { defaultOpenApiDir } from '../../lib/api/openapi/files.js';
import { loadDocuments, type ServedDocument } from '../../lib/api/openapi/load.js';
import { errors, type StatusError } from '../../lib/api/status.js';

export interface OpenApiRoutesOptions {
  /** Directory holding the generated documents; dist/openapi by default. */
  dir?: string;
  /** v3 documents served beside the generated ones (custom group versions), keyed "apis/<group>/<version>". */
  extraV3?: () => ReadonlyMap<string, ServedDocument>;
}

const JSON_TYPE = 'application/json';
const V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';
/** The spelling client-go sends; answered with the canonical type above. */
const V2_PROTOBUF_DEPRECATED = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
const ONE_YEAR_MS = 365 * 24 * 3600 * 1000;

interface Variant {
  contentType: string;
  document: ServedDocument;
  gzipped: Buffer;
}

function variant(contentType: string, document: ServedDocument): Variant {
  return { contentType, document, gzipped: gzipSync(document.body) };
}

/** Media ranges of an Accept header, most preferred first (q, then order). */
function mediaRanges(accept: string | undefined): string[] {
  const ranges = (accept && accept.trim() !== '' ? accept : '*/*').split(',').map((part, index) => {
    const [range = '', ...params] = part.split(';').map((s) => s.trim());
    const q = params.find((p) => p.startsWith('q='));
    return { range: range.toLowerCase(), q: q ? Number(q.slice(2)) : 1, index };
  });
  return ranges
    .filter((r) => r.range !== '' && r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map((r) => r.range);
}

function matches(range: string, contentType: string): boolean {
  if (range === '*/*' || range === contentType) return true;
  const [type, subtype] = range.split('/');
  return subtype === '*' && contentType.startsWith(`${type}/`);
}

/** The first offered variant the client accepts, in the client's order of preference. */
function negotiate(accept: string | undefined, offers: readonly { ranges: string[]; variant: Variant }[]): Variant | undefined {
  for (const range of mediaRanges(accept)) {
    const offer = offers.find((o) => o.ranges.some((r) => matches(range, r)));
    if (offer) return offer.variant;
  }
  return undefined;
}

function sendVariant(request: FastifyRequest, reply: FastifyReply, chosen: Variant): FastifyReply {
  const etag = `"${chosen.document.hash}"`;
  reply.header('Vary', 'Accept, Accept-Encoding').header('ETag', etag).type(chosen.contentType);
  if (request.headers['if-none-match'] === etag) return reply.code(304).send();
  if (/\bgzip\b/.test(request.headers['accept-encoding'] ?? '')) return reply.header('Content-Encoding', 'gzip').send(chosen.gzipped);
  return reply.send(chosen.document.body);
}

function sendStatus(reply: FastifyReply, error: StatusError): FastifyReply {
  return reply.code(error.code).type(JSON_TYPE).send(Buffer.from(JSON.stringify(error.status)));
}

export async function openapiRoutes(app: FastifyInstance, options: OpenApiRoutesOptions): Promise<void> {
  const documents = loadDocuments(options.dir ?? defaultOpenApiDir());
  const v2Json = variant(JSON_TYPE, documents.v2Json);
  const v2Protobuf = variant(V2_PROTOBUF, documents.v2Protobuf);
  const v2Offers = [
    { ranges: [JSON_TYPE], variant: v2Json },
    { ranges: [V2_PROTOBUF, V2_PROTOBUF_DEPRECATED], variant: v2Protobuf },
  ];
  const v3 = new Map([...documents.v3].map(([key, document]) => [key, variant(JSON_TYPE, document)]));
  const extraV3 = options.extraV3 ?? (() => new Map<string, ServedDocument>());
  const extraVariants = new WeakMap<ServedDocument, Variant>();
  const extraVariant = (document: ServedDocument): Variant => {
    let found = extraVariants.get(document);
    if (!found) {
      found = variant(JSON_TYPE, document);
      extraVariants.set(document, found);
    }
    return found;
  };
  const v3Document = (key: string): Variant | undefined => {
    const builtIn = v3.get(key);
    if (builtIn) return builtIn;
    const extra = extraV3().get(key);
    return extra ? extraVariant(extra) : undefined;
  };
  const builtInIndex = Object.fromEntries([...v3].map(([key, v]) => [key, { serverRelativeURL: v3Url(key, v.document.hash) }]));
  const index = (): Buffer => {
    const extra = [...extraV3()].filter(([key]) => !v3.has(key)).map(([key, document]) => [key, { serverRelativeURL: v3Url(key, document.hash) }]);
    return Buffer.from(JSON.stringify({ paths: { ...builtInIndex, ...Object.fromEntries(extra) } }));
  };

  app.get('/openapi/v2', async (request, reply) => {
    const chosen = negotiate(request.headers.accept, v2Offers);
    if (!chosen) return sendStatus(reply, errors.notAcceptable(`${JSON_TYPE}, ${V2_PROTOBUF}`));
    return sendVariant(request, reply, chosen);
  });

  app.get('/openapi/v3', async (_request, reply) => reply.header('Cache-Control', 'no-cache, private').type(JSON_TYPE).send(index()));

  app.get<{ Params: { '*': string }; Querystring: { hash?: string } }>(
    '/openapi/v3/*',
    { schema: { querystring: { type: 'object', properties: { hash: { type: 'string' } } } } },
    async (request, reply) => {
      const key = request.params['*'].replace(/\/+$/, '');
      const document = v3Document(key);
      if (!document) return sendStatus(reply, errors.noSuchResource());
      const chosen = negotiate(request.headers.accept, [{ ranges: [JSON_TYPE], variant: document }]);
      if (!chosen) return sendStatus(reply, errors.notAcceptable(JSON_TYPE));
      const hash = request.query.hash;
      if (hash !== undefined && hash !== '') {
        // A stale hash means the client's index is old: point it at the current document.
        if (hash !== document.document.hash) return reply.redirect(v3Url(key, document.document.hash), 301);
        reply.header('Cache-Control', 'public, immutable').header('Expires', new Date(Date.now() + ONE_YEAR_MS).toUTCString());
      }
      return sendVariant(request, reply, chosen);
    },
  );
}

function v3Url(key: string, hash: string): string {
  return `/openapi/v3/${key}?hash=${hash}`;
}
