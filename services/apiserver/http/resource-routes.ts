// The REST surface of every served resource: one route per API prefix; the path is parsed into
// group/version/namespace/resource/name/subresource and the verb; the handler negotiates the
// format, decodes and checks the body, calls the resource's storage and encodes the answer.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { stringify as stringifyYaml } from 'yaml';
import type { KubeList, KubeObject, StoredObject } from '../../../lib/api/object.js';
import { isPlainObject } from '../../../lib/api/object.js';
import { encodeMsgpack, MSGPACK_MEDIA_TYPE } from '../../../lib/api/msgpack.js';
import { encodeProtobufObject } from '../../../lib/api/protobuf/encode.js';
import { PROTOBUF_MEDIA_TYPE } from '../../../lib/api/protobuf/envelope.js';
import { duplicateFields, mayRepeatKeys } from '../../../lib/api/schema/duplicate-fields.js';
import { checkKind, warningHeaders, type CheckResult } from '../../../lib/api/schema/strict-decoding.js';
import { BINDING_GVK, EVICTION_GVK, SCALE_GVK } from '../../../lib/api/openapi/published-kinds.js';
import { errors, successStatus } from '../../../lib/api/status.js';
import { buildTable, parseIncludeObject } from '../../../lib/api/tables/index.js';
import { bindPod, checkBinding } from '../registry/binding.js';
import { evictionDeleteOptions, PodEviction } from '../registry/eviction.js';
import { parseListOptions } from '../registry/list-options.js';
import type { ApiStorage } from '../registry/api-storage.js';
import { applyScale, toScale } from '../registry/scale.js';
import { applyPatch } from '../../../lib/api/patch/index.js';
import { parseRequestInfo, type RequestInfo } from '../request-info.js';
import { APPLY_PATCH_TYPE, PATCH_TYPES } from './body-parsers.js';
import { managerFromUserAgent } from '../../../lib/api/field-manager/managed-fields.js';

const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';
import type { RequestMetrics } from './metrics.js';
import { negotiate, type ResponseFormat } from '../../../lib/api/negotiate.js';
import { serveWatch } from './watch-route.js';
import { auditAnnotator } from './audit.js';
import { parseDeleteOptions, parsePatchOptions, parseWriteParams, type WriteParams } from './write-params.js';

export interface ResourceRoutesOptions {
  storage: ApiStorage;
  metrics: RequestMetrics;
  clock: () => Date;
  /** Watches without timeoutSeconds end after a random time between this and twice this. */
  minRequestTimeoutSeconds: number;
}

const METRIC_VERBS: Record<RequestInfo['verb'], string> = {
  get: 'GET',
  list: 'LIST',
  watch: 'WATCH',
  create: 'POST',
  update: 'PUT',
  patch: 'PATCH',
  delete: 'DELETE',
  deletecollection: 'DELETECOLLECTION',
};

function partialMetadata(obj: KubeObject, version: string): KubeObject {
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: obj.metadata };
}

/** Writes an object or list in the negotiated format. */
function send(
  reply: FastifyReply,
  request: FastifyRequest,
  info: RequestInfo['info'],
  format: ResponseFormat,
  code: number,
  body: KubeObject | KubeList<StoredObject>,
  now: Date,
): FastifyReply {
  reply.code(code);
  const isList = Array.isArray((body as KubeList).items);
  switch (format.kind) {
    case 'json':
      return reply.type('application/json').send(JSON.stringify(body));
    case 'yaml':
      return reply.type('application/yaml').send(stringifyYaml(body));
    case 'msgpack':
      return reply.type(MSGPACK_MEDIA_TYPE).send(encodeMsgpack(body));
    case 'protobuf':
      return reply.type(PROTOBUF_MEDIA_TYPE).send(encodeProtobufObject(body));
    case 'table': {
      const items = isList ? (body as KubeList).items : [body as KubeObject];
      const table = buildTable(info, items, {
        now,
        includeObject: parseIncludeObject((request.query as Record<string, unknown>).includeObject),
        listMeta: isList ? (body as KubeList).metadata : { resourceVersion: body.metadata?.resourceVersion as string | undefined },
      });
      if (format.version === 'v1beta1') (table as { apiVersion: string }).apiVersion = 'meta.k8s.io/v1beta1';
      return reply.type('application/json').send(JSON.stringify(table));
    }
    case 'metadata': {
      const out = isList
        ? {
            kind: 'PartialObjectMetadataList',
            apiVersion: `meta.k8s.io/${format.version}`,
            metadata: (body as KubeList).metadata,
            items: (body as KubeList).items.map((item) => partialMetadata(item, format.version)),
          }
        : partialMetadata(body as KubeObject, format.version);
      if (format.protobuf) return reply.type(PROTOBUF_MEDIA_TYPE).send(encodeProtobufObject(out));
      return reply.type('application/json').send(JSON.stringify(out));
    }
  }
}

/** A query parameter's last value ('' when absent). */
function single(value: unknown): string {
  const last = Array.isArray(value) ? value[value.length - 1] : value;
  return last === undefined ? '' : String(last);
}

function requireObject(body: unknown, info: RequestInfo['info']): KubeObject {
  if (!isPlainObject(body)) {
    throw errors.badRequest(`the object provided is unrecognized (must be of type ${info.kind}): the request body must be a JSON or YAML object`);
  }
  return body as KubeObject;
}

/** The write's parameters, its user, and the manager its fields are recorded for: ?fieldManager= or the User-Agent's first part. */
function writeOptions(query: Record<string, unknown>, request: FastifyRequest, reply: FastifyReply): WriteParams & { user: FastifyRequest['user']; manager: string; warn: (message: string) => void; annotate: (key: string, value: string) => void } {
  const params = parseWriteParams(query);
  return { ...params, user: request.user, manager: params.fieldManager ?? managerFromUserAgent(request.headers['user-agent']), warn: warner(reply), annotate: auditAnnotator(request) };
}

/** `duplicate field` findings of a JSON body; other formats cannot repeat a key once parsed. */
function bodyDuplicates(request: FastifyRequest, params: WriteParams): string[] {
  const text = request.jsonText;
  if (params.fieldValidation === 'Ignore' || text === undefined) return [];
  if (request.jsonKeys !== undefined && !mayRepeatKeys(text, request.jsonKeys)) return [];
  return duplicateFields(text);
}

/**
 * fieldValidation: unknown fields are dropped from the body in every mode; type errors are always
 * 400; unknown and duplicate fields are 400 (Strict), warnings (Warn) or nothing (Ignore).
 */
function reportFields(reply: FastifyReply, result: CheckResult): void {
  if (result.message !== undefined) throw errors.badRequest(result.message);
  if (result.warnings.length > 0) reply.header('Warning', warningHeaders(result.warnings));
}

/** Adds a warning to those the response already carries (admission webhooks' warnings). */
function warner(reply: FastifyReply): (message: string) => void {
  return (message) => {
    const existing = reply.getHeader('Warning');
    const values = existing === undefined ? [] : Array.isArray(existing) ? existing.map(String) : [String(existing)];
    reply.header('Warning', [...values, ...warningHeaders([message])]);
  };
}

export async function resourceRoutes(app: FastifyInstance, options: ResourceRoutesOptions): Promise<void> {
  const { storage, clock } = options;
  const eviction = new PodEviction(storage, clock);

  async function handle(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | void> {
    const query = (request.query ?? {}) as Record<string, unknown>;
    const ri = parseRequestInfo(request.method, request.url, query, (group, version, resource) => storage.find(group, version, resource));
    const { info } = ri;
    request.metricLabels = {
      verb: METRIC_VERBS[ri.verb],
      group: info.group,
      version: info.version,
      resource: info.resource,
      subresource: ri.subresource ?? '',
      scope: ri.name !== undefined ? 'resource' : ri.namespace !== undefined ? 'namespace' : 'cluster',
    };
    const resource = storage.for(info);
    const ref = { namespace: ri.namespace, name: ri.name ?? '' };
    // status, approval and a namespace's finalize take the whole object and change only their part of it.
    const statusOnly = ri.subresource === 'status' || ri.subresource === 'approval' || ri.subresource === 'finalize' ? ri.subresource : undefined;
    const tables = ri.subresource === undefined || statusOnly !== undefined;
    const format = negotiate(request.headers.accept, tables, info.protobuf !== false);
    const now = clock();

    switch (ri.verb) {
      case 'get': {
        const object = await resource.get(ref, single(query.resourceVersion));
        return send(reply, request, info, format, 200, ri.subresource === 'scale' ? toScale(object, info) : object, now);
      }
      case 'list': {
        const list = await resource.list(ri.namespace, parseListOptions(query));
        return send(reply, request, info, format, 200, list, now);
      }
      case 'watch': {
        if (format.kind === 'yaml') throw errors.notAcceptable(`application/json, ${PROTOBUF_MEDIA_TYPE}, ${MSGPACK_MEDIA_TYPE}, application/json;as=Table;g=meta.k8s.io;v=v1`);
        return serveWatch(request, reply, {
          resource,
          namespace: ri.namespace,
          name: ri.name,
          listOptions: parseListOptions(query),
          format,
          includeObject: parseIncludeObject(query.includeObject),
          clock,
          metrics: options.metrics,
          minRequestTimeoutSeconds: options.minRequestTimeoutSeconds,
        });
      }
      case 'create': {
        const params = writeOptions(query, request, reply);
        if (ri.subresource === 'binding') {
          const binding = requireObject(request.body, info);
          reportFields(reply, checkKind(BINDING_GVK, binding, params.fieldValidation, bodyDuplicates(request, params)));
          const { node } = checkBinding(binding, ref.name);
          await resource.transition(ref, params, (pod) => bindPod(pod, node, clock()));
          return send(reply, request, info, { kind: 'json' }, 201, { ...successStatus(), code: 201 } as unknown as KubeObject, now);
        }
        if (ri.subresource === 'eviction') {
          const body = requireObject(request.body, info);
          // policy/v1beta1 Evictions (older clients) have the same fields as policy/v1's.
          const asV1 = body.apiVersion === 'policy/v1beta1' ? { ...body, apiVersion: 'policy/v1' } : body;
          reportFields(reply, checkKind(EVICTION_GVK, asV1, params.fieldValidation, bodyDuplicates(request, params)));
          await eviction.evict(ref.namespace ?? '', ref.name, { ...evictionDeleteOptions(body, ref.name, params.dryRun), user: request.user });
          return send(reply, request, info, { kind: 'json' }, 201, { ...successStatus(), code: 201 } as unknown as KubeObject, now);
        }
        const body = requireObject(request.body, info);
        reportFields(reply, storage.checkObject(info, body, params.fieldValidation, bodyDuplicates(request, params)));
        const created = await resource.create(ri.namespace, body, params);
        return send(reply, request, info, format, 201, created, now);
      }
      case 'update': {
        const params = writeOptions(query, request, reply);
        const body = requireObject(request.body, info);
        const duplicates = bodyDuplicates(request, params);
        if (ri.subresource === 'scale') {
          reportFields(reply, checkKind(SCALE_GVK, body, params.fieldValidation, duplicates));
          const updated = await resource.updateWith(ref, params, (current) => applyScale(current, body, info));
          return send(reply, request, info, format, 200, toScale(updated, info), now);
        }
        reportFields(reply, storage.checkObject(info, body, params.fieldValidation, duplicates));
        const { object, created } = await resource.update(ref, body, params, statusOnly);
        return send(reply, request, info, format, created ? 201 : 200, object, now);
      }
      case 'patch': {
        const contentType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        const apply = contentType === APPLY_PATCH_TYPE;
        if ((!(PATCH_TYPES as readonly string[]).includes(contentType) && !apply) || (contentType === STRATEGIC_MERGE_PATCH && !storage.builtIn(info))) {
          // Custom resources have no Go types to read patch strategies from: no strategic merge patch.
          throw errors.unsupportedMediaType(contentType);
        }
        const params = { ...writeOptions(query, request, reply), ...parsePatchOptions(query, apply) };
        // A merge or strategic patch names fields as the object does, so its duplicates are the object's.
        const duplicates = contentType === PATCH_TYPES[0] ? [] : bodyDuplicates(request, params);
        if (ri.subresource === 'scale') {
          // An apply of a Scale owns the replicas field of the object it scales.
          const replicasPath = (info.scalePaths?.specReplicasPath ?? '.spec.replicas').split('.').filter((step) => step !== '').map((step) => `f:${step}`);
          const updated = await resource.updateWith(ref, apply ? { ...params, scaleApply: replicasPath } : params, (current) => {
            const scale = applyPatch(info, toScale(current, info), contentType, request.body);
            reportFields(reply, checkKind(SCALE_GVK, scale, params.fieldValidation, duplicates));
            return applyScale(current, scale, info);
          });
          return send(reply, request, info, format, 200, toScale(updated, info), now);
        }
        if (apply) {
          const { object, created } = await resource.apply(ref, request.body, params, (obj) => reportFields(reply, storage.checkObject(info, obj, params.fieldValidation, duplicates)), statusOnly);
          return send(reply, request, info, format, created ? 201 : 200, object, now);
        }
        const patched = await resource.patch(
          ref,
          contentType,
          request.body,
          params,
          (obj) => reportFields(reply, storage.checkObject(info, obj, params.fieldValidation, duplicates)),
          statusOnly,
        );
        return send(reply, request, info, format, 200, patched, now);
      }
      case 'delete': {
        const { object, deleted } = await resource.delete(ref, { ...parseDeleteOptions(query, request.body), user: request.user, warn: warner(reply), annotate: auditAnnotator(request) });
        return send(reply, request, info, format, deleted ? 200 : 202, object, now);
      }
      case 'deletecollection': {
        const removed = await resource.deleteCollection(ri.namespace, parseListOptions(query), { ...parseDeleteOptions(query, request.body), user: request.user, warn: warner(reply), annotate: auditAnnotator(request) });
        return send(reply, request, info, format, 200, removed, now);
      }
    }
  }

  const methods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
  app.route({ method: [...methods], url: '/api/*', handler: handle });
  app.route({ method: [...methods], url: '/apis/*', handler: handle });
}
