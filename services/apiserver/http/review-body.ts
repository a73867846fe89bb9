// What the review resources (TokenReview, SubjectAccessReview and their kin) share: the body is
// checked as Kubernetes decodes it (400 for another apiVersion or kind, or a spec that is not an
// object), and the review comes back 201 with its status, never stored, in the negotiated format.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { stringify as stringifyYaml } from 'yaml';
import { encodeMsgpack, MSGPACK_MEDIA_TYPE } from '../../../lib/api/msgpack.js';
import { negotiate } from '../../../lib/api/negotiate.js';
import { isPlainObject } from '../../../lib/api/object.js';
import { errors } from '../../../lib/api/status.js';

export interface ReviewBody {
  apiVersion: string;
  kind: string;
  metadata: Record<string, unknown>;
  spec: Record<string, unknown>;
}

/** The body's metadata and spec, once its apiVersion and kind are one of `apiVersions` and `kind`. */
export function decodeReviewBody(body: unknown, apiVersions: readonly string[], kind: string): ReviewBody {
  if (!isPlainObject(body)) throw errors.badRequest(`the object provided is unrecognized (must be of type ${kind}): the request body must be a JSON or YAML object`);
  const { apiVersion, kind: bodyKind, metadata, spec } = body as Record<string, unknown>;
  if (apiVersion !== undefined && !apiVersions.includes(apiVersion as string)) {
    throw errors.badRequest(`the API version in the data (${String(apiVersion)}) does not match the expected API version (${apiVersions[0]})`);
  }
  if (bodyKind !== undefined && bodyKind !== kind) throw errors.badRequest(`the kind in the data (${String(bodyKind)}) does not match the expected kind (${kind})`);
  const version = (apiVersion as string | undefined) ?? apiVersions[0]!;
  const cannot = `${kind} in version "${version.split('/')[1]}" cannot be handled as a ${kind}`;
  if (metadata !== undefined && metadata !== null && !isPlainObject(metadata)) throw errors.badRequest(`${cannot}: metadata: expected an object`);
  if (spec !== undefined && spec !== null && !isPlainObject(spec)) throw errors.badRequest(`${cannot}: spec: expected an object`);
  return { apiVersion: version, kind, metadata: { ...((metadata ?? {}) as Record<string, unknown>) }, spec: { ...((spec ?? {}) as Record<string, unknown>) } };
}

/** Answers 201 with the review, its metadata as Kubernetes serializes an unset timestamp. */
export function sendReview(request: FastifyRequest, reply: FastifyReply, review: object): FastifyReply {
  const withMetadata = { ...review, metadata: { ...(review as { metadata?: object }).metadata, creationTimestamp: null } };
  const format = negotiate(request.headers.accept, false);
  reply.code(201);
  if (format.kind === 'yaml') return reply.type('application/yaml').send(stringifyYaml(withMetadata));
  if (format.kind === 'msgpack') return reply.type(MSGPACK_MEDIA_TYPE).send(encodeMsgpack(withMetadata));
  return reply.type('application/json').send(JSON.stringify(withMetadata));
}
