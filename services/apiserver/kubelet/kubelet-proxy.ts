// Requests to a kubelet over TLS with the apiserver's kubelet-client certificate: a plain request
// whose answer is streamed back to the client (logs, nodes/proxy), or an upgraded connection
// proxied byte for byte (exec, attach, port-forward over SPDY or WebSocket). The kubelet's
// serving certificate must chain to the cluster CA and name the address the apiserver dials.
import { request as httpsRequest } from 'node:https';
import { connect, type TLSSocket } from 'node:tls';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { failure } from '../../../lib/api/status.js';
import type { KubeletClientTls } from '../../../lib/pki/kubelet-client.js';
import { takeUpgrade } from '../../../lib/http/upgrade-routing.js';
import { proxyUpgrade } from '../../../lib/http/upgrade-proxy.js';
import type { KubeletLocation } from './kubelet-location.js';

const ANSWER_HEADERS = ['content-type', 'content-length', 'content-encoding', 'cache-control', 'transfer-encoding'];

function tlsOptions(tls: KubeletClientTls): { cert: Buffer; key: Buffer; ca: Buffer } {
  return { cert: tls.cert, key: tls.key, ca: tls.ca };
}

function unreachable(kubelet: KubeletLocation, error: Error): never {
  throw failure(503, 'ServiceUnavailable', `error trying to reach the kubelet of node "${kubelet.nodeName}" (${kubelet.host}:${kubelet.port}): ${error.message}`);
}

/** GETs (or sends the method of) `path` on the kubelet and streams its answer, status and body, to the client. */
export async function forwardToKubelet(request: FastifyRequest, reply: FastifyReply, kubelet: KubeletLocation, tls: KubeletClientTls, path: string): Promise<FastifyReply> {
  const upstream = httpsRequest({ ...tlsOptions(tls), host: kubelet.host, port: kubelet.port, method: request.method, path, headers: { accept: request.headers.accept ?? '*/*' } });
  const response = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
    upstream.on('response', resolve);
    upstream.on('error', reject);
    upstream.end();
  }).catch((error: Error) => unreachable(kubelet, error));
  request.raw.on('close', () => upstream.destroy());
  reply.code(response.statusCode ?? 502);
  for (const name of ANSWER_HEADERS) {
    const value = response.headers[name];
    if (value !== undefined && name !== 'transfer-encoding' && name !== 'content-length') reply.header(name, value);
  }
  return reply.send(response);
}

/** A TLS connection to the kubelet, authenticated with the apiserver's kubelet-client certificate. */
export async function connectKubelet(kubelet: KubeletLocation, tls: KubeletClientTls): Promise<TLSSocket> {
  const backend = connect({ ...tlsOptions(tls), host: kubelet.host, port: kubelet.port, ALPNProtocols: ['http/1.1'] });
  await new Promise<void>((resolve, reject) => {
    backend.once('secureConnect', resolve);
    backend.once('error', reject);
  }).catch((error: Error) => unreachable(kubelet, error));
  return backend;
}

/** Takes the client's upgraded connection over and proxies it to `path` on the kubelet. */
export async function upgradeToKubelet(request: FastifyRequest, reply: FastifyReply, kubelet: KubeletLocation, tls: KubeletClientTls, path: string): Promise<void> {
  const backend = await connectKubelet(kubelet, tls);
  const upgrade = takeUpgrade(request);
  if (!upgrade) {
    backend.destroy();
    throw failure(400, 'BadRequest', 'Upgrade request required');
  }
  reply.hijack();
  proxyUpgrade(upgrade.socket, upgrade.head, backend, { method: request.method, path, host: `${kubelet.host}:${kubelet.port}`, headers: request.headers });
}
