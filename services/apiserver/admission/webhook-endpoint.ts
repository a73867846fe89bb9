// Where a webhook is called: clientConfig.url as given, or clientConfig.service as kube-apiserver
// dials a service: one of its ready endpoints from the EndpointSlices (a ClusterIP is not routable
// from the apiserver's host), on the port the Service maps the webhook's port to, with the TLS
// server name <service>.<namespace>.svc that the webhook's certificate must carry. An ExternalName
// Service is dialled by its name. Resolved per call, from this replica's store: services move.
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { WebhookClientConfig } from 'kubernetes-types/admissionregistration/v1.js';
import { findResource, storageKey, storagePrefix, type ResourceInfo } from '../../../lib/api/resources.js';
import type { Store } from '../../../lib/native/store.js';

export interface WebhookEndpoint {
  /** The URL named in errors, as Kubernetes prints it (with ?timeout=). */
  url: string;
  host: string;
  port: number;
  /** path and query */
  path: string;
  servername: string;
}

/** A service that cannot be dialled: part of the call's error. */
export class EndpointError extends Error {}

function served(group: string, version: string, resource: string): ResourceInfo {
  const info = findResource(group, version, resource);
  if (!info) throw new Error(`${resource} are not served`);
  return info;
}

const SERVICES = served('', 'v1', 'services');
const ENDPOINT_SLICES = served('discovery.k8s.io', 'v1', 'endpointslices');

function withTimeout(path: string, timeoutMs: number): string {
  return `${path}${path.includes('?') ? '&' : '?'}timeout=${Math.round(timeoutMs / 1000)}s`;
}

/** One ready address and port of the Service's endpoints for its port `port`. */
function serviceTarget(store: Store, namespace: string, name: string, port: number): { host: string; port: number } {
  const service = store.get<Service>(storageKey(SERVICES, namespace, name))?.value;
  if (!service) throw new EndpointError(`service "${name}" not found`);
  if (service.spec?.type === 'ExternalName' && service.spec.externalName) return { host: service.spec.externalName, port };
  const servicePort = (service.spec?.ports ?? []).find((p) => p.port === port);
  if (!servicePort) throw new EndpointError(`no service port ${port} found for service "${name}"`);
  const candidates: { host: string; port: number }[] = [];
  for (const kv of store.range<EndpointSlice>(storagePrefix(ENDPOINT_SLICES, namespace)).kvs) {
    const slice = kv.value;
    if (slice.metadata?.labels?.['kubernetes.io/service-name'] !== name) continue;
    const slicePort = (slice.ports ?? []).find((p) => (p.name ?? '') === (servicePort.name ?? ''));
    if (slicePort?.port === undefined) continue;
    for (const endpoint of slice.endpoints ?? []) {
      if (endpoint.conditions?.ready === false) continue;
      for (const address of endpoint.addresses) candidates.push({ host: address, port: slicePort.port });
    }
  }
  if (candidates.length === 0) throw new EndpointError(`no endpoints available for service "${name}"`);
  return candidates[Math.floor(Math.random() * candidates.length)]!;
}

/**
 * The endpoint of a webhook's clientConfig; throws EndpointError (with the URL it meant to call)
 * when its service cannot be dialled.
 */
export function resolveEndpoint(store: Store, config: WebhookClientConfig, timeoutMs: number): WebhookEndpoint {
  if (config.url) {
    const url = new URL(config.url);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const path = withTimeout(`${url.pathname}${url.search}`, timeoutMs);
    const port = url.port === '' ? 443 : Number(url.port);
    return { url: `https://${url.host}${path}`, host, port, path, servername: host };
  }
  const service = config.service;
  if (!service) throw new EndpointError('webhook has no clientConfig url or service');
  const port = service.port ?? 443;
  const servername = `${service.name}.${service.namespace}.svc`;
  const path = withTimeout(service.path ?? '/', timeoutMs);
  const url = `https://${servername}:${port}${path}`;
  let target: { host: string; port: number };
  try {
    target = serviceTarget(store, service.namespace, service.name, port);
  } catch (error) {
    if (error instanceof EndpointError) throw new EndpointError(`Post "${url}": ${error.message}`);
    throw error;
  }
  return { url, host: target.host, port: target.port, path, servername };
}
