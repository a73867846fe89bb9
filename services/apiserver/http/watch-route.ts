// An HTTP watch: a chunked response of newline-delimited WatchEvents that lasts until the client
// goes away, the timeout passes, or the client falls too far behind (then it relists).
import { randomInt } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { KubeObject } from '../../../lib/api/object.js';
import type { ResourceInfo } from '../../../lib/api/resources.js';
import { errors } from '../../../lib/api/status.js';
import { buildTable } from '../../../lib/api/tables/index.js';
import type { ListOptions } from '../registry/list-options.js';
import type { HubEvent, Watch, WatchEncoder } from '../watch/watch-hub.js';
import type { ResourceStore } from '../registry/resource-store.js';
import { jsonWatchEncoder } from '../watch/json-encoder.js';
import { msgpackWatchEncoder } from '../watch/msgpack-encoder.js';
import { protobufWatchEncoder } from '../watch/protobuf-encoder.js';
import { encodeProtobufWatchEvent } from '../../../lib/api/protobuf/encode.js';
import { PROTOBUF_WATCH_MEDIA_TYPE } from '../../../lib/api/protobuf/envelope.js';
import { MSGPACK_WATCH_MEDIA_TYPE } from '../../../lib/api/msgpack.js';
import type { RequestMetrics } from './metrics.js';
import type { ResponseFormat } from '../../../lib/api/negotiate.js';

/** Bytes a watch may have queued in its socket before the server gives up on the client. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
/** How long an ended watch may take to hand its last bytes to a client that reads slowly. */
const DRAIN_GRACE_MS = 10_000;

export interface WatchRouteOptions {
  resource: ResourceStore;
  namespace: string | undefined;
  name: string | undefined;
  listOptions: ListOptions;
  format: ResponseFormat;
  includeObject: 'None' | 'Metadata' | 'Object';
  clock: () => Date;
  metrics: RequestMetrics;
  minRequestTimeoutSeconds: number;
}

/**
 * Table watches (kubectl get -w) carry one-row Tables; the first event of each watch also carries
 * the column definitions, later ones leave them out, as Kubernetes' watch encoder does.
 */
function tableEncoder(info: ResourceInfo, includeObject: WatchRouteOptions['includeObject'], version: string, clock: () => Date): WatchEncoder {
  let first = true;
  return {
    get id() {
      return `table:${version}:${includeObject}:${first ? 'columns' : 'rows'}`;
    },
    encode(event: HubEvent) {
      if (event.type === 'ERROR' || event.type === 'BOOKMARK') return jsonWatchEncoder.encode(event);
      const table = buildTable(info, [event.object], { now: clock(), includeObject, omitColumns: !first });
      (table as { apiVersion: string }).apiVersion = `meta.k8s.io/${version}`;
      first = false;
      return `{"type":"${event.type}","object":${JSON.stringify(table)}}\n`;
    },
  };
}

function metadataEncoder(version: string, protobuf: boolean): WatchEncoder {
  return {
    id: `metadata:${version}:${protobuf ? 'protobuf' : 'json'}`,
    encode: (event: HubEvent) => {
      if (event.type === 'ERROR') return protobuf ? protobufWatchEncoder.encode(event) : jsonWatchEncoder.encode(event);
      const object: KubeObject = { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: event.object.metadata };
      if (protobuf) return encodeProtobufWatchEvent({ type: event.type, object });
      return `{"type":"${event.type}","object":${JSON.stringify(object)}}\n`;
    },
  };
}

/** The media type of a watch response in each format. */
function watchMediaType(format: ResponseFormat): string {
  if (format.kind === 'msgpack') return MSGPACK_WATCH_MEDIA_TYPE;
  if (format.kind === 'protobuf' || (format.kind === 'metadata' && format.protobuf)) return PROTOBUF_WATCH_MEDIA_TYPE;
  return 'application/json';
}

export async function serveWatch(request: FastifyRequest, reply: FastifyReply, options: WatchRouteOptions): Promise<void> {
  const { listOptions, resource } = options;
  const { info } = resource;
  // Checked before the response begins, so a bad selector or resourceVersion is a 400.
  const startWatch = await resource.watch(options.namespace, options.name, listOptions);
  const sendInitialEvents = listOptions.sendInitialEvents === true;
  if (listOptions.sendInitialEvents !== undefined) {
    if (listOptions.resourceVersionMatch !== 'NotOlderThan') {
      throw errors.invalid('ListOptions', 'meta.k8s.io', '', [
        { type: 'FieldValueForbidden', field: 'sendInitialEvents', detail: 'sendInitialEvents is forbidden unless resourceVersionMatch is "NotOlderThan"' },
      ]);
    }
    if (sendInitialEvents && !listOptions.allowWatchBookmarks) {
      throw errors.invalid('ListOptions', 'meta.k8s.io', '', [
        { type: 'FieldValueForbidden', field: 'allowWatchBookmarks', detail: 'allowWatchBookmarks must be true if sendInitialEvents = true' },
      ]);
    }
  } else if (listOptions.resourceVersionMatch !== undefined) {
    throw errors.badRequest('resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided');
  }
  const encoder =
    options.format.kind === 'table'
      ? tableEncoder(info, options.includeObject, options.format.version, options.clock)
      : options.format.kind === 'metadata'
        ? metadataEncoder(options.format.version, options.format.protobuf === true)
        : options.format.kind === 'msgpack'
          ? msgpackWatchEncoder
          : options.format.kind === 'protobuf'
            ? protobufWatchEncoder
            : jsonWatchEncoder;

  const started = process.hrtime.bigint();
  const raw = reply.raw;
  reply.hijack();
  raw.writeHead(200, {
    'content-type': watchMediaType(options.format),
    'cache-control': 'no-cache, private',
    // HTTP/2 streams carry the events as DATA frames and forbid the header.
    ...(request.raw.httpVersionMajor === 1 ? { 'transfer-encoding': 'chunked' } : {}),
  });
  raw.flushHeaders();

  let ended = false;
  let timer: NodeJS.Timeout | undefined;
  const timeoutSeconds = listOptions.timeoutSeconds ?? options.minRequestTimeoutSeconds + randomInt(Math.max(1, options.minRequestTimeoutSeconds));
  const sink = {
    write: (chunk: string | Buffer): boolean => {
      if (ended) return false;
      raw.write(chunk);
      return raw.writableLength < MAX_BUFFERED_BYTES;
    },
    end: (): void => {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      // What is queued for a client stays in memory for as long as it holds the connection
      // open: one that stopped reading (the watch fell behind) is cut off now, and one still
      // reading gets a grace period to take the rest.
      if (raw.writableLength >= MAX_BUFFERED_BYTES) {
        raw.destroy();
      } else {
        raw.end();
        if (raw.writableLength > 0) {
          const drain = setTimeout(() => raw.destroy(), DRAIN_GRACE_MS).unref();
          raw.once('finish', () => clearTimeout(drain));
          raw.once('close', () => clearTimeout(drain));
        }
      }
      const labels = request.metricLabels;
      if (labels) options.metrics.observe(labels, 200, Number(process.hrtime.bigint() - started) / 1e9);
    },
  };
  let watch: Watch;
  try {
    watch = startWatch(encoder, sink);
  } catch (error) {
    // The response has begun, so the failure travels as the stream's last event.
    request.log.error({ err: error }, 'a watch could not start');
    sink.write(encoder.encode({ type: 'ERROR', object: errors.internal((error as Error)?.message ?? String(error)).status as unknown as KubeObject }));
    sink.end();
    return;
  }
  // A watch that ended while it started (410, a client already gone) needs no timer.
  if (ended) return;
  timer = setTimeout(() => watch.stop(), timeoutSeconds * 1000);
  raw.on('close', () => watch.stop());
  raw.on('error', () => watch.stop());
}
