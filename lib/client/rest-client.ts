// The REST client every Rudder component uses to talk to the apiserver: HTTPS with the cluster CA
// and a bearer token (or client certificate), JSON or Rudder's msgpack negotiated by
// Accept/Content-Type, a client-side rate limit (qps/burst, as client-go), and retries with
// backoff on 429, 5xx and lost connections. Failures come back as StatusError carrying the
// server's Status.
import { Pool } from 'undici';
import { decodeMsgpack, encodeMsgpack, MSGPACK_MEDIA_TYPE, MSGPACK_WATCH_MEDIA_TYPE } from '../api/msgpack.js';
import type { KubeObject, ListMeta } from '../api/object.js';
import type { ResourceInfo } from '../api/resources.js';
import { failure, StatusError, type Status } from '../api/status.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import { realClock, type Clock } from './clock.js';
import { loadKubeconfig, type ClusterAccess } from './kubeconfig.js';
import { resourcePath, type ObjectRef } from './paths.js';
import { TokenBucket } from './token-bucket.js';
import type { TokenSource } from './service-account-token-source.js';
import { WatchStream } from './watch-stream.js';

export type Encoding = 'json' | 'msgpack';
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type Query = Record<string, string | number | boolean | undefined>;

export interface RestClientConfig extends ClusterAccess {
  /** Body and response encoding: 'msgpack' for Rudder's components, 'json' for everything else. */
  encoding?: Encoding;
  /** Sustained requests per second (default 50; 0 or Infinity: unlimited). */
  qps?: number;
  /** Requests allowed at once above qps (default 100). */
  burst?: number;
  /** Retries of one request (default 10). */
  maxRetries?: number;
  backoff?: BackoffOptions;
  /** Per request, waiting for headers and between body bytes (default 30 s; watches wait forever for body). */
  timeoutMs?: number;
  clock?: Clock;
  userAgent?: string;
  /** Most connections to the server (default: as many as requests in flight; each watch holds one). */
  connections?: number;
  /** Asked for the bearer token before every request (a token that changes, e.g. a ServiceAccount's); wins over `token`. */
  tokenSource?: TokenSource;
}

export interface RequestOptions {
  method: HttpMethod;
  path: string;
  query?: Query;
  body?: unknown;
  /** The body's media type when it is not the client's encoding (patches). Sent as JSON. */
  contentType?: string;
  signal?: AbortSignal;
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  signal?: AbortSignal;
}

export interface WatchOptions {
  namespace?: string;
  name?: string;
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
  signal?: AbortSignal;
}

/** A list response (kubernetes-types' lists fit). */
export interface ObjectList<T> {
  apiVersion: string;
  kind: string;
  metadata: ListMeta;
  items: T[];
}

/** What the client needs of an object it sends (kubernetes-types' interfaces fit). */
export interface ApiObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { readonly name?: string; readonly namespace?: string; readonly resourceVersion?: string };
}

export const PATCH_TYPES = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
} as const;

const IDEMPOTENT = new Set<HttpMethod>(['GET']);
/** Never reached the server: safe to retry whatever the method. */
const NOT_SENT = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);
/** The connection broke with the request in flight: safe to retry only reads. */
const LOST = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_HEADERS_TIMEOUT']);

function retryableError(error: unknown, method: HttpMethod): boolean {
  const code = (error as { code?: string } | null)?.code ?? '';
  return NOT_SENT.has(code) || (IDEMPOTENT.has(method) && LOST.has(code));
}

/** 429 and 503 mean the request was not processed; other 5xx are retried only for reads. */
function retryableStatus(status: number, method: HttpMethod): boolean {
  if (status === 429 || status === 503) return true;
  return status >= 500 && IDEMPOTENT.has(method);
}

function retryAfterMs(header: string | string[] | undefined): number | undefined {
  const text = Array.isArray(header) ? header[0] : header;
  if (text === undefined) return undefined;
  const seconds = Number(text);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

function headerText(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

function decodeBody(body: Buffer, contentType: string): unknown {
  if (body.length === 0) return undefined;
  if (contentType.startsWith(MSGPACK_MEDIA_TYPE)) return decodeMsgpack(body);
  const text = body.toString('utf8');
  if (contentType.includes('json')) return JSON.parse(text);
  return text;
}

/** The StatusError for a failed response: the server's Status when it sent one. */
export function statusErrorFrom(code: number, decoded: unknown): StatusError {
  if (decoded && typeof decoded === 'object' && (decoded as Status).kind === 'Status') return new StatusError(decoded as Status);
  const message = typeof decoded === 'string' && decoded !== '' ? decoded.trim() : `the server answered ${code}`;
  return failure(code, '', message);
}

export class RestClient {
  readonly server: string;
  readonly encoding: Encoding;
  private readonly pool: Pool;
  private readonly limiter: TokenBucket;
  private readonly clock: Clock;
  private readonly maxRetries: number;
  private readonly backoff: BackoffOptions;
  private readonly timeoutMs: number;
  private readonly baseHeaders: Record<string, string>;
  private readonly tokenSource?: TokenSource;

  constructor(config: RestClientConfig) {
    const url = new URL(config.server);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`server must be an http(s) URL, got ${config.server}`);
    this.server = url.origin;
    this.encoding = config.encoding ?? 'json';
    this.clock = config.clock ?? realClock;
    this.limiter = new TokenBucket(config.qps ?? 50, config.burst ?? 100, this.clock);
    this.maxRetries = config.maxRetries ?? 10;
    this.backoff = config.backoff ?? DEFAULT_BACKOFF;
    this.timeoutMs = config.timeoutMs ?? 30_000;
    this.pool = new Pool(this.server, {
      connect: {
        ca: config.caPem,
        cert: config.clientCertPem,
        key: config.clientKeyPem,
        rejectUnauthorized: !config.insecureSkipTlsVerify,
      },
      keepAliveTimeout: 60_000,
      connections: config.connections ?? null,
    });
    this.baseHeaders = { 'user-agent': config.userAgent ?? 'rudder' };
    if (config.token) this.baseHeaders.authorization = `Bearer ${config.token}`;
    this.tokenSource = config.tokenSource;
  }

  /** A 401 for the token source's token: it asks for a new one for the next request. */
  private refused(headers: Record<string, string>): void {
    const sent = headers.authorization?.slice('Bearer '.length);
    if (this.tokenSource && sent) this.tokenSource.invalidate?.(sent);
  }

  /** The headers of every request: the user agent and the credentials (a token source's current token). */
  private headers(accept: string): Record<string, string> | Promise<Record<string, string>> {
    const headers: Record<string, string> = { ...this.baseHeaders, accept };
    if (!this.tokenSource) return headers;
    return this.tokenSource.token().then((token) => ({ ...headers, authorization: `Bearer ${token}` }));
  }

  /** A client for the current (or named) context of a kubeconfig file. */
  static fromKubeconfig(path: string, options: Omit<RestClientConfig, keyof ClusterAccess> & { context?: string } = {}): RestClient {
    const { context, ...rest } = options;
    return new RestClient({ ...loadKubeconfig(path, context), ...rest });
  }

  private accept(): string {
    return this.encoding === 'msgpack' ? `${MSGPACK_MEDIA_TYPE}, application/json;q=0.9` : 'application/json';
  }

  private encodeBody(body: unknown, contentType: string | undefined): { payload: Buffer | string; type: string } {
    if (contentType !== undefined) return { payload: typeof body === 'string' ? body : JSON.stringify(body), type: contentType };
    if (this.encoding === 'msgpack') return { payload: encodeMsgpack(body), type: MSGPACK_MEDIA_TYPE };
    return { payload: JSON.stringify(body), type: 'application/json' };
  }

  /**
   * Sends one request (after the rate limiter lets it), retrying as described above; resolves
   * with the decoded body of a 2xx answer, rejects with a StatusError otherwise.
   */
  async request<T = unknown>(options: RequestOptions): Promise<T> {
    const pending = this.headers(this.accept());
    const headers = pending instanceof Promise ? await pending : pending;
    let payload: Buffer | string | undefined;
    if (options.body !== undefined) {
      const encoded = this.encodeBody(options.body, options.contentType);
      payload = encoded.payload;
      headers['content-type'] = encoded.type;
    }
    const path = `${options.path}${queryString(options.query)}`;
    for (let attempt = 0; ; attempt++) {
      await this.limiter.take(options.signal);
      let response;
      try {
        response = await this.pool.request({
          method: options.method,
          path,
          headers,
          body: payload,
          signal: options.signal,
          headersTimeout: this.timeoutMs,
          bodyTimeout: this.timeoutMs,
        });
      } catch (error) {
        if (attempt < this.maxRetries && retryableError(error, options.method) && !options.signal?.aborted) {
          await this.clock.sleep(backoffDelay(attempt, this.backoff), options.signal);
          continue;
        }
        throw error;
      }
      const { statusCode } = response;
      if (statusCode >= 400 && attempt < this.maxRetries && retryableStatus(statusCode, options.method)) {
        await response.body.dump();
        await this.clock.sleep(retryAfterMs(response.headers['retry-after']) ?? backoffDelay(attempt, this.backoff), options.signal);
        continue;
      }
      const body = Buffer.from(await response.body.arrayBuffer());
      const decoded = decodeBody(body, headerText(response.headers['content-type']));
      if (statusCode === 401) this.refused(headers);
      if (statusCode >= 400) throw statusErrorFrom(statusCode, decoded);
      return decoded as T;
    }
  }

  get<T = KubeObject>(info: ResourceInfo, ref: ObjectRef & { name: string }, signal?: AbortSignal): Promise<T> {
    return this.request<T>({ method: 'GET', path: resourcePath(info, ref), signal });
  }

  list<T = KubeObject>(info: ResourceInfo, options: ListOptions = {}): Promise<ObjectList<T>> {
    const { namespace, signal, ...query } = options;
    return this.request<ObjectList<T>>({ method: 'GET', path: resourcePath(info, { namespace }), query: { ...query }, signal });
  }

  /** Every page of a list, read at one resourceVersion (limit/continue as client-go's pager). */
  async listAll<T = KubeObject>(info: ResourceInfo, options: Omit<ListOptions, 'continue'> & { pageSize?: number } = {}): Promise<ObjectList<T>> {
    const { pageSize = 500, ...rest } = options;
    const first = await this.list<T>(info, { ...rest, limit: pageSize });
    let next = first.metadata.continue;
    while (next) {
      const page = await this.list<T>(info, { ...rest, resourceVersion: undefined, limit: pageSize, continue: next });
      first.items.push(...page.items);
      next = page.metadata.continue;
    }
    delete first.metadata.continue;
    return first;
  }

  create<T = KubeObject>(info: ResourceInfo, object: object, ref: ObjectRef = {}): Promise<T> {
    const namespace = ref.namespace ?? (object as ApiObject).metadata?.namespace;
    return this.request<T>({ method: 'POST', path: resourcePath(info, { namespace, subresource: ref.subresource, name: ref.name }), body: object });
  }

  /** PUT: fails with 409 Conflict when metadata.resourceVersion is stale. */
  update<T = KubeObject>(info: ResourceInfo, object: object, subresource?: string): Promise<T> {
    const { metadata } = object as ApiObject;
    const ref = { namespace: metadata?.namespace, name: metadata?.name ?? '', subresource };
    return this.request<T>({ method: 'PUT', path: resourcePath(info, ref), body: object });
  }

  patch<T = KubeObject>(info: ResourceInfo, ref: ObjectRef & { name: string }, patch: unknown, type: keyof typeof PATCH_TYPES = 'merge'): Promise<T> {
    return this.request<T>({ method: 'PATCH', path: resourcePath(info, ref), body: patch, contentType: PATCH_TYPES[type] });
  }

  delete<T = KubeObject>(info: ResourceInfo, ref: ObjectRef & { name: string }, options?: Record<string, unknown>): Promise<T> {
    return this.request<T>({ method: 'DELETE', path: resourcePath(info, ref), body: options });
  }

  /**
   * Opens a watch. Errors before the stream starts (connection, 4xx/5xx) reject with the same
   * retries as request(); afterwards the stream reports what the server sends, ERROR events
   * included.
   */
  async watch<T extends KubeObject = KubeObject>(info: ResourceInfo, options: WatchOptions = {}): Promise<WatchStream<T>> {
    const { namespace, name, signal, ...rest } = options;
    const query: Query = { ...rest, watch: 'true' };
    if (name !== undefined) query.fieldSelector = [`metadata.name=${name}`, rest.fieldSelector].filter(Boolean).join(',');
    const path = `${resourcePath(info, { namespace })}${queryString(query)}`;
    const accept = this.encoding === 'msgpack' ? `${MSGPACK_WATCH_MEDIA_TYPE}, ${MSGPACK_MEDIA_TYPE}, application/json;q=0.9` : 'application/json';
    const pending = this.headers(accept);
    const headers = pending instanceof Promise ? await pending : pending;
    for (let attempt = 0; ; attempt++) {
      await this.limiter.take(signal);
      const controller = new AbortController();
      const onAbort = (): void => controller.abort();
      signal?.addEventListener('abort', onAbort, { once: true });
      let response;
      try {
        response = await this.pool.request({ method: 'GET', path, headers, signal: controller.signal, headersTimeout: this.timeoutMs, bodyTimeout: 0 });
      } catch (error) {
        signal?.removeEventListener('abort', onAbort);
        if (attempt < this.maxRetries && retryableError(error, 'GET') && !signal?.aborted) {
          await this.clock.sleep(backoffDelay(attempt, this.backoff), signal);
          continue;
        }
        throw error;
      }
      const { statusCode } = response;
      if (statusCode !== 200) {
        signal?.removeEventListener('abort', onAbort);
        if (attempt < this.maxRetries && retryableStatus(statusCode, 'GET')) {
          await response.body.dump();
          await this.clock.sleep(retryAfterMs(response.headers['retry-after']) ?? backoffDelay(attempt, this.backoff), signal);
          continue;
        }
        const body = Buffer.from(await response.body.arrayBuffer());
        if (statusCode === 401) this.refused(headers);
        throw statusErrorFrom(statusCode, decodeBody(body, headerText(response.headers['content-type'])));
      }
      return new WatchStream<T>(response.body, headerText(response.headers['content-type']), () => {
        signal?.removeEventListener('abort', onAbort);
        controller.abort();
      });
    }
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
