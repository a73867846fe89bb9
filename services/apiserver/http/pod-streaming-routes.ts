// The pod subresources served by the pod's kubelet, and nodes/proxy: pods/log (GET, PodLogOptions
// in the query; with follow the answer streams), pods/exec, pods/attach and pods/portforward
// (GET or POST with an Upgrade to SPDY/3.1 or WebSocket) and /api/v1/nodes/{name}/proxy/{path}.
// The apiserver finds the pod's node and its kubelet's address and port, and proxies the request
// there over TLS with its kubelet-client certificate, as kube-apiserver's pod REST does.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { parseLogOptions, logQuery } from '../../../lib/api/pod-log-options.js';
import { errors } from '../../../lib/api/status.js';
import type { KubeletClientTls } from '../../../lib/pki/kubelet-client.js';
import { connectKubelet, forwardToKubelet, upgradeToKubelet } from '../kubelet/kubelet-proxy.js';
import { EXEC_WEBSOCKET_PROTOCOL, isWebSocketUpgrade, offeredProtocols, PORT_FORWARD_WEBSOCKET_PROTOCOL, translateExec, tunnelPortForward } from '../kubelet/stream-translator.js';
import { getPod, kubeletOf, podContainer, podKubelet } from '../kubelet/kubelet-location.js';
import type { ApiStorage } from '../registry/api-storage.js';
import { sendStatus, toStatusError } from './errors.js';
import type { RequestMetrics } from './metrics.js';

export interface PodStreamingOptions {
  storage: ApiStorage;
  /** Counted as kube-apiserver counts them: verb CONNECT for streams and proxying (code 101 once upgraded), GET for logs. */
  metrics?: RequestMetrics;
  /** Without it (tests without a CA) these subresources answer 503. */
  kubeletTls?: KubeletClientTls;
}

type PodParams = { namespace: string; name: string };
type Query = Record<string, unknown>;

function single(query: Query, name: string): string | undefined {
  const value = query[name];
  const last = Array.isArray(value) ? value[value.length - 1] : value;
  return last === undefined ? undefined : String(last);
}

function truthy(query: Query, name: string): boolean {
  const text = single(query, name);
  return text === 'true' || text === '1';
}

function all(query: Query, name: string): string[] {
  const value = query[name];
  return value === undefined ? [] : (Array.isArray(value) ? value : [value]).map(String);
}

function rawQuery(url: string): string {
  const at = url.indexOf('?');
  return at === -1 ? '' : url.slice(at);
}

/** The kubelet's query for exec and attach: its names for the streams (input, output, error, tty). */
function streamQuery(query: Query, command: boolean): string {
  const params = new URLSearchParams();
  if (command) for (const c of all(query, 'command')) params.append('command', c);
  if (truthy(query, 'stdin')) params.set('input', '1');
  if (truthy(query, 'stdout')) params.set('output', '1');
  if (truthy(query, 'stderr')) params.set('error', '1');
  if (truthy(query, 'tty')) params.set('tty', '1');
  return params.toString();
}

/** As the kubelet answers a log request for a container that has none yet, from the pod's status. */
function checkLogStatus(pod: Pod, container: string, previous: boolean): void {
  const status = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])].find((s) => s.name === container);
  const name = pod.metadata?.name;
  if (previous) {
    if (status && !status.lastState?.terminated) throw errors.badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
    return;
  }
  const waiting = status?.state?.waiting;
  if (waiting && !status.lastState?.terminated) throw errors.badRequest(`container "${container}" in pod "${name}" is waiting to start: ${waiting.reason ?? 'ContainerCreating'}`);
}

export async function podStreamingRoutes(app: FastifyInstance, options: PodStreamingOptions): Promise<void> {
  const { storage } = options;
  const tls = (): KubeletClientTls => {
    if (!options.kubeletTls) throw errors.unavailable('this apiserver has no kubelet client certificate');
    return options.kubeletTls;
  };
  const answer = (handler: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>) => async (request: FastifyRequest, reply: FastifyReply) => {
    const [, resource = '', subresource = ''] = /\/(pods|nodes)\/[^/]+\/(log|exec|attach|portforward|proxy)/.exec(request.url) ?? [];
    request.metricLabels = { verb: subresource === 'log' ? 'GET' : 'CONNECT', group: '', version: 'v1', resource, subresource, scope: 'resource' };
    try {
      await handler(request, reply);
      // An upgraded connection never passes Fastify's onResponse: counted once it is handed over.
      if (reply.sent && request.raw.headers.upgrade) options.metrics?.observe(request.metricLabels, 101, reply.elapsedTime / 1000);
    } catch (error) {
      const status = toStatusError(error);
      if (!status) throw error;
      if (!reply.sent) return sendStatus(reply, status.status);
    }
    return reply;
  };
  const pod = (request: FastifyRequest) => {
    const { namespace, name } = request.params as PodParams;
    return getPod(storage, namespace, name);
  };
  const path = (...segments: string[]): string => `/${segments.map(encodeURIComponent).join('/')}`;

  app.get('/api/v1/namespaces/:namespace/pods/:name/log', answer(async (request, reply) => {
    const query = request.query as Query;
    const logOptions = parseLogOptions(query);
    const found = await pod(request);
    const container = podContainer(found, single(query, 'container'));
    checkLogStatus(found, container, logOptions.previous);
    const kubelet = await podKubelet(storage, found);
    const params = logQuery(logOptions).toString();
    await forwardToKubelet(request, reply, kubelet, tls(), `${path('containerLogs', found.metadata!.namespace!, found.metadata!.name!, container)}${params ? `?${params}` : ''}`);
  }));

  const upgrade = (kind: 'exec' | 'attach' | 'portforward', target: (request: FastifyRequest, pod: Awaited<ReturnType<typeof getPod>>) => string) =>
    answer(async (request, reply) => {
      const found = await pod(request);
      const path = target(request, found);
      if (!request.headers.upgrade) throw errors.badRequest('Upgrade request required');
      const kubelet = await podKubelet(storage, found);
      const offered = isWebSocketUpgrade(request) ? offeredProtocols(request) : [];
      const host = `${kubelet.host}:${kubelet.port}`;
      // WebSocket clients the kubelet's runtime cannot serve: translated (exec, attach) or tunnelled (port-forward) to SPDY.
      if (kind !== 'portforward' && offered.includes(EXEC_WEBSOCKET_PROTOCOL)) {
        const query = request.query as Query;
        await translateExec(request, reply, await connectKubelet(kubelet, tls()), host, path, { stdin: truthy(query, 'stdin'), stdout: truthy(query, 'stdout'), stderr: truthy(query, 'stderr'), tty: truthy(query, 'tty') });
      } else if (kind === 'portforward' && offered.includes(PORT_FORWARD_WEBSOCKET_PROTOCOL)) {
        await tunnelPortForward(request, reply, await connectKubelet(kubelet, tls()), host, path);
      } else await upgradeToKubelet(request, reply, kubelet, tls(), path);
    });
  for (const kind of ['exec', 'attach'] as const) {
    app.route({
      method: ['GET', 'POST'],
      url: `/api/v1/namespaces/:namespace/pods/:name/${kind}`,
      handler: upgrade(kind, (request, found) => {
        const query = request.query as Query;
        const container = podContainer(found, single(query, 'container'));
        if (kind === 'exec' && all(query, 'command').length === 0) throw errors.badRequest('you must specify at least 1 command');
        return `${path(kind, found.metadata!.namespace!, found.metadata!.name!, container)}?${streamQuery(query, kind === 'exec')}`;
      }),
    });
  }
  app.route({
    method: ['GET', 'POST'],
    url: '/api/v1/namespaces/:namespace/pods/:name/portforward',
    handler: upgrade('portforward', (request, found) => {
      const params = new URLSearchParams();
      for (const port of all(request.query as Query, 'ports')) params.append('port', port);
      const query = params.toString();
      return `${path('portForward', found.metadata!.namespace!, found.metadata!.name!)}${query ? `?${query}` : ''}`;
    }),
  });

  const nodeProxy = answer(async (request, reply) => {
    const { name } = request.params as { name: string };
    const kubelet = await kubeletOf(storage, name);
    // The rest of the path as the client sent it (still escaped), after .../proxy
    const target = `/${/^\/api\/v1\/nodes\/[^/?]+\/proxy\/?([^?]*)/.exec(request.url)?.[1] ?? ''}${rawQuery(request.url)}`;
    if (request.headers.upgrade) await upgradeToKubelet(request, reply, kubelet, tls(), target);
    else await forwardToKubelet(request, reply, kubelet, tls(), target);
  });
  for (const url of ['/api/v1/nodes/:name/proxy', '/api/v1/nodes/:name/proxy/*']) app.route({ method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'], url, handler: nodeProxy });
}
