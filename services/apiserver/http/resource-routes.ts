// The REST surface of every served resource: one route per API prefix; the path is parsed into
// group/version/namespace/resource/name/subresource and the verb, then handed to the registry.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { stringify as stringifyYaml } from 'yaml';
import type { KubeList, KubeObject, StoredObject } from '../../../lib/api/object.js';
import { isPlainObject } from '../../../lib/api/object.js';
import { encodeMsgpack, MSGPACK_MEDIA_TYPE } from '../../../lib/api/msgpack.js';
import { encodeProtobufObject } from '../../../lib/api/protobuf/encode.js';
import { PROTOBUF_MEDIA_TYPE } from '../../../lib/api/protobuf/envelope.js';
import { duplicateFields } from '../../../lib/api/schema/duplicate-fields.js';
import { checkKind, checkObject, warningHeaders, type CheckResult } from '../../../lib/api/schema/strict-decoding.js';
import { BINDING_GVK, SCALE_GVK } from '../../../lib/api/openapi/published-kinds.js';
import { errors, successStatus } from '../../../lib/api/status.js';
import { buildTable, parseIncludeObject } from '../../../lib/api/tables/index.js';
import { bindPod, checkBinding } from '../registry/binding.js';
import { compileFilter } from '../registry/filter.js';
import { listObjects } from '../registry/list.js';
import { parseListOptions } from '../registry/list-options.js';
import type { Registry, Scope } from '../registry/registry.js';
import { applyScale, toScale } from '../registry/scale.js';
import { applyPatch } from '../../../lib/api/patch/index.js';
import type { WatchHub } from '../watch/watch-hub.js';
import { parseRequestInfo, type RequestInfo } from '../request-info.js';
import { PATCH_TYPES } from './body-parsers.js';
import type { RequestMetrics } from './metrics.js';
import { negotiate, type ResponseFormat } from '../../../lib/api/negotiate.js';
import { serveWatch } from './watch-route.js';
import { parseDeleteOptions, parseWriteParams, type WriteParams } from './write-params.js';
import type { Store } from '../../../lib/native/store.js';

export interface ResourceRoutesOptions {
  registry: Registry;
  store: Store;
  hub: WatchHub;
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

function requireObject(body: unknown, info: RequestInfo['info']): KubeObject {
  if (!isPlainObject(body)) {
    throw errors.badRequest(`the object provided is unrecognized (must be of type ${info.kind}): the request body must be a JSON or YAML object`);
  }
  return body as KubeObject;
}

/** `duplicate field` findings of a JSON body; other formats cannot repeat a key once parsed. */
function bodyDuplicates(request: FastifyRequest, params: WriteParams): string[] {
  if (params.fieldValidation === 'Ignore' || request.jsonText === undefined) return [];
  return duplicateFields(request.jsonText);
}

/**
 * fieldValidation: unknown fields are dropped from the body in every mode; type errors are always
 * 400; unknown and duplicate fields are 400 (Strict), warnings (Warn) or nothing (Ignore).
 */
function reportFields(reply: FastifyReply, result: CheckResult): void {
  if (result.message !== undefined) throw errors.badRequest(result.message);
  if (result.warnings.length > 0) reply.header('Warning', warningHeaders(result.warnings));
}

export async function resourceRoutes(app: FastifyInstance, options: ResourceRoutesOptions): Promise<void> {
  const { registry, store, hub, clock } = options;

  async function handle(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | void> {
    const query = (request.query ?? {}) as Record<string, unknown>;
    const ri = parseRequestInfo(request.method, request.url, query);
    const { info } = ri;
    request.metricLabels = {
      verb: METRIC_VERBS[ri.verb],
      group: info.group,
      version: info.version,
      resource: info.resource,
      subresource: ri.subresource ?? '',
      scope: ri.name !== undefined ? 'resource' : ri.namespace !== undefined ? 'namespace' : 'cluster',
    };
    const scope: Scope = { info, namespace: ri.namespace, name: ri.name, subresource: ri.subresource };
    const named = scope as Scope & { name: string };
    const tables = ri.subresource === undefined || ri.subresource === 'status';
    const format = negotiate(request.headers.accept, tables);
    const now = clock();

    switch (ri.verb) {
      case 'get': {
        // Without a resourceVersion a GET is a quorum read, as against etcd; "0" may be stale.
        const requested = query.resourceVersion;
        if (requested === undefined || requested === '') await store.linearizableRead();
        const object = registry.get(named);
        return send(reply, request, info, format, 200, ri.subresource === 'scale' ? toScale(object) : object, now);
      }
      case 'list': {
        const listOptions = parseListOptions(query);
        const filter = compileFilter(info, listOptions.labelSelector, listOptions.fieldSelector);
        const list = await listObjects(store, info, ri.namespace, listOptions, filter);
        return send(reply, request, info, format, 200, list, now);
      }
      case 'watch': {
        const listOptions = parseListOptions(query);
        if (format.kind === 'yaml') throw errors.notAcceptable(`application/json, ${PROTOBUF_MEDIA_TYPE}, ${MSGPACK_MEDIA_TYPE}, application/json;as=Table;g=meta.k8s.io;v=v1`);
        return serveWatch(request, reply, {
          hub,
          info,
          namespace: ri.namespace,
          name: ri.name,
          listOptions,
          format,
          includeObject: parseIncludeObject(query.includeObject),
          clock,
          metrics: options.metrics,
          minRequestTimeoutSeconds: options.minRequestTimeoutSeconds,
        });
      }
      case 'create': {
        const params = parseWriteParams(query);
        if (ri.subresource === 'binding') {
          const binding = requireObject(request.body, info);
          reportFields(reply, checkKind(BINDING_GVK, binding, params.fieldValidation, bodyDuplicates(request, params)));
          const { node } = checkBinding(binding, named.name);
          await registry.transition({ ...named, subresource: undefined }, params, (pod) => bindPod(pod, node, clock()));
          return send(reply, request, info, { kind: 'json' }, 201, { ...successStatus(), code: 201 } as unknown as KubeObject, now);
        }
        const body = requireObject(request.body, info);
        reportFields(reply, checkObject(info, body, params.fieldValidation, bodyDuplicates(request, params)));
        const created = await registry.create(scope, body, params);
        return send(reply, request, info, format, 201, created, now);
      }
      case 'update': {
        const params = parseWriteParams(query);
        const body = requireObject(request.body, info);
        const duplicates = bodyDuplicates(request, params);
        if (ri.subresource === 'scale') {
          reportFields(reply, checkKind(SCALE_GVK, body, params.fieldValidation, duplicates));
          const updated = await registry.updateWith(named, params, (current) => applyScale(current, body, info.resource));
          return send(reply, request, info, format, 200, toScale(updated), now);
        }
        reportFields(reply, checkObject(info, body, params.fieldValidation, duplicates));
        const { object, created } = await registry.update(named, body, params);
        return send(reply, request, info, format, created ? 201 : 200, object, now);
      }
      case 'patch': {
        const params = parseWriteParams(query);
        const contentType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        if (!(PATCH_TYPES as readonly string[]).includes(contentType)) {
          throw errors.unsupportedMediaType(contentType);
        }
        // A merge or strategic patch names fields as the object does, so its duplicates are the object's.
        const duplicates = contentType === PATCH_TYPES[0] ? [] : bodyDuplicates(request, params);
        if (ri.subresource === 'scale') {
          const updated = await registry.updateWith(named, params, (current) => {
            const scale = applyPatch(info, toScale(current), contentType, request.body);
            reportFields(reply, checkKind(SCALE_GVK, scale, params.fieldValidation, duplicates));
            return applyScale(current, scale, info.resource);
          });
          return send(reply, request, info, format, 200, toScale(updated), now);
        }
        const patched = await registry.patch(named, contentType, request.body, params, (obj) =>
          reportFields(reply, checkObject(info, obj, params.fieldValidation, duplicates)),
        );
        return send(reply, request, info, format, 200, patched, now);
      }
      case 'delete': {
        const deleteOptions = parseDeleteOptions(query, request.body);
        const { object, deleted } = await registry.delete(named, deleteOptions);
        return send(reply, request, info, format, deleted ? 200 : 202, object, now);
      }
      case 'deletecollection': {
        const listOptions = parseListOptions(query);
        const deleteOptions = parseDeleteOptions(query, request.body);
        const filter = compileFilter(info, listOptions.labelSelector, listOptions.fieldSelector);
        const list = await listObjects(store, info, ri.namespace, { ...listOptions, limit: 0, continue: '' }, filter);
        const removed: StoredObject[] = [];
        for (const item of list.items) {
          try {
            const { object } = await registry.delete({ info, namespace: item.metadata.namespace, name: item.metadata.name }, deleteOptions);
            removed.push(object);
          } catch (error) {
            if ((error as { code?: number }).code !== 404) throw error;
          }
        }
        return send(reply, request, info, format, 200, { ...list, items: removed }, now);
      }
    }
  }

  const methods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
  app.route({ method: [...methods], url: '/api/*', handler: handle });
  app.route({ method: [...methods], url: '/apis/*', handler: handle });
}
