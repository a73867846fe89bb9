// The kubelet's API on its HTTPS port, as Kubernetes' kubelet serves it to the apiserver:
// /pods, /containerLogs/{ns}/{pod}/{container}, and the streaming endpoints /exec, /attach
// (/{ns}/{pod}/{container}) and /portForward/{ns}/{pod}. A streaming request asks the runtime
// (CRI Exec, Attach, PortForward) for a URL on its streaming server and the client's upgraded
// connection (SPDY or WebSocket) is proxied to it byte for byte.
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errors, isStatusError, type Status } from '../../../lib/api/status.js';
import type { CriClient } from '../../../lib/cri/client.js';
import { takeUpgrade } from '../../../lib/http/upgrade-routing.js';
import { proxyUpgrade } from '../../../lib/http/upgrade-proxy.js';
import type { Logger } from '../../../lib/observe/logger.js';
import { readCriLog } from './cri-log-reader.js';
import { parseLogOptions } from '../../../lib/api/pod-log-options.js';
import { findContainer, findSandbox } from './pod-containers.js';

export interface KubeletApiOptions {
  /** The node's runtime; absent for simulated nodes, whose containers have no logs or streams. */
  client?: CriClient;
  /** The pods bound to this node, as a PodList. */
  pods: () => Promise<unknown>;
  log: Logger;
}

type Params = { namespace: string; pod: string; container?: string };

function sendFailure(reply: FastifyReply, error: unknown, log: Logger): FastifyReply {
  const status: Status = isStatusError(error) ? error.status : errors.internal(error instanceof Error ? error.message : String(error)).status;
  if (status.code >= 500) log.warn({ err: error, url: reply.request.url }, 'kubelet API request failed');
  return reply.code(status.code).type('application/json').send(JSON.stringify(status));
}

function flag(query: Record<string, unknown>, name: string): boolean {
  const value = query[name];
  const text = String(Array.isArray(value) ? value[value.length - 1] : (value ?? ''));
  return text === '1' || text === 'true';
}

function list(query: Record<string, unknown>, name: string): string[] {
  const value = query[name];
  return value === undefined ? [] : (Array.isArray(value) ? value : [value]).map(String);
}

export async function kubeletApiRoutes(app: FastifyInstance, options: KubeletApiOptions): Promise<void> {
  const { log } = options;
  const runtime = (): CriClient => {
    if (!options.client) throw errors.badRequest('this node is simulated: its containers have no logs or streams');
    return options.client;
  };

  app.get('/pods', async (_request, reply) => {
    try {
      return reply.type('application/json').send(JSON.stringify(await options.pods()));
    } catch (error) {
      return sendFailure(reply, error, log);
    }
  });

  app.get<{ Params: Required<Params> }>('/containerLogs/:namespace/:pod/:container', async (request, reply) => {
    try {
      const client = runtime();
      const logOptions = parseLogOptions(request.query as Record<string, unknown>);
      const { namespace, pod, container } = request.params;
      const found = await findContainer(client, namespace, pod, container, logOptions.previous);
      const { status } = await client.containerStatus(found.id);
      if (!status.logPath) throw errors.badRequest(`container "${container}" in pod "${pod}" has no log`);
      const abort = new AbortController();
      request.raw.on('close', () => abort.abort());
      const running = async (): Promise<boolean> => (await client.containerStatus(found.id).catch(() => undefined))?.status.state === 'CONTAINER_RUNNING';
      const chunks = readCriLog(status.logPath, logOptions, { running, signal: abort.signal });
      // The first chunk is read before answering, so a missing file is a Status, not a cut stream.
      const first = await chunks.next();
      const body = Readable.from((async function* () {
        if (!first.done) yield first.value;
        yield* chunks;
      })());
      return reply.type('text/plain').header('cache-control', 'no-cache').send(body);
    } catch (error) {
      return sendFailure(reply, error, log);
    }
  });

  const stream = async (request: FastifyRequest, reply: FastifyReply, url: () => Promise<string>): Promise<FastifyReply | void> => {
    try {
      if (!request.headers.upgrade) throw errors.badRequest('Upgrade request required');
      const target = new URL(await url());
      const upgrade = takeUpgrade(request);
      if (!upgrade) throw errors.badRequest('Upgrade request required');
      reply.hijack();
      const backend = connect(Number(target.port || 80), target.hostname);
      proxyUpgrade(upgrade.socket, upgrade.head, backend, { method: request.method, path: `${target.pathname}${target.search}`, host: target.host, headers: request.headers });
    } catch (error) {
      return sendFailure(reply, error, log);
    }
  };

  const execLike = (kind: 'exec' | 'attach') => async (request: FastifyRequest<{ Params: Required<Params> }>, reply: FastifyReply) => {
    const query = request.query as Record<string, unknown>;
    const { namespace, pod, container } = request.params;
    return stream(request, reply, async () => {
      const client = runtime();
      const found = await findContainer(client, namespace, pod, container);
      const io = { stdin: flag(query, 'input'), stdout: flag(query, 'output'), stderr: flag(query, 'error'), tty: flag(query, 'tty') };
      if (kind === 'attach') return client.attach({ containerId: found.id, ...io });
      const cmd = list(query, 'command');
      if (cmd.length === 0) throw errors.badRequest('you must specify at least 1 command');
      return client.exec({ containerId: found.id, cmd, ...io });
    });
  };
  for (const kind of ['exec', 'attach'] as const) app.route<{ Params: Required<Params> }>({ method: ['GET', 'POST'], url: `/${kind}/:namespace/:pod/:container`, handler: execLike(kind) });

  app.route<{ Params: Params }>({
    method: ['GET', 'POST'],
    url: '/portForward/:namespace/:pod',
    handler: async (request, reply) =>
      stream(request, reply, async () => {
        const client = runtime();
        const sandbox = await findSandbox(client, request.params.namespace, request.params.pod);
        const ports = list(request.query as Record<string, unknown>, 'port').map(Number);
        if (ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) throw errors.badRequest('port must be between 1 and 65535');
        return client.portForward(sandbox.id, ports);
      }),
  });
}

const PROXY_PATHS = ['/pods', '/containerLogs/', '/exec/', '/attach/', '/portForward/'];

/** How the kubelet's API paths are authorized: as nodes/proxy of this node, as Kubernetes' kubelet asks. */
export function kubeletApiResource(nodeName: string): (path: string) => { resource: string; subresource: string; name: string } | undefined {
  return (path) => (PROXY_PATHS.some((p) => path === p || path.startsWith(p)) ? { resource: 'nodes', subresource: 'proxy', name: nodeName } : undefined);
}
