// The proxy's view of the cluster for one IP family, as kube-proxy's service and endpoint
// change trackers build it: service ports (sorted by name and protocol) with their endpoints
// (deduplicated, sorted by "ip:port") and kube-proxy's CategorizeEndpoints for each.
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { Service } from 'kubernetes-types/core/v1.js';
import { canonicalIP, joinHostPort, parseCidr, type Cidr, type Family } from './addr.js';
import type { ProxyInput } from './model.js';

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
const DEFAULT_STICKY_SECONDS = 10800;

export interface ServicePortInfo {
  /** "namespace/name". */
  service: string;
  /** "namespace/name:port", or "namespace/name" for an unnamed port. */
  name: string;
  portName: string;
  /** Lower case. */
  protocol: string;
  clusterIP: string;
  port: number;
  nodePort: number;
  externalIPs: string[];
  loadBalancerVIPs: string[];
  loadBalancerSourceRanges: Cidr[];
  /** ClientIP affinity's timeout; undefined without affinity. */
  stickySeconds: number | undefined;
  externalPolicyLocal: boolean;
  internalPolicyLocal: boolean;
  healthCheckNodePort: number;
}

export function externallyAccessible(info: ServicePortInfo): boolean {
  return info.nodePort !== 0 || info.loadBalancerVIPs.length > 0 || info.externalIPs.length > 0;
}

export function usesClusterEndpoints(info: ServicePortInfo): boolean {
  return !info.internalPolicyLocal || externallyAccessible(info);
}

export function usesLocalEndpoints(info: ServicePortInfo): boolean {
  return info.internalPolicyLocal || (info.externalPolicyLocal && externallyAccessible(info));
}

export interface EndpointInfo {
  ip: string;
  port: number;
  /** "ip:port". */
  endpoint: string;
  isLocal: boolean;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  zoneHints: string[];
}

/** Indexes into the endpoints of a service port. */
export interface Categories {
  cluster: number[];
  local: number[];
  allReachable: number[];
  hasAny: boolean;
}

export interface ServicePortView {
  info: ServicePortInfo;
  endpoints: EndpointInfo[];
  categories: Categories;
}

export interface ClusterView {
  family: Family;
  ports: ServicePortView[];
  totalEndpoints: number;
}

const familyName = (family: Family) => (family === 4 ? 'IPv4' : 'IPv6');

function clusterIPFor(service: Service, family: Family): string | undefined {
  const spec = service.spec ?? {};
  let text: string | undefined;
  if (!spec.ipFamilies || spec.ipFamilies.length === 0) {
    const ip = spec.clusterIP ?? '';
    if (ip === '' || ip === 'None') return undefined;
    text = ip;
  } else {
    const index = spec.ipFamilies.indexOf(familyName(family));
    if (index < 0) return undefined;
    text = spec.clusterIPs?.[index];
  }
  const ip = text === undefined ? undefined : canonicalIP(text);
  return ip && ip.family === family ? ip.text : undefined;
}

function servicePorts(service: Service, family: Family): ServicePortInfo[] {
  const spec = service.spec ?? {};
  const clusterIPSet = !!spec.clusterIP && spec.clusterIP !== 'None';
  if (!clusterIPSet || spec.type === 'ExternalName') return [];
  const clusterIP = clusterIPFor(service, family);
  if (clusterIP === undefined) return [];
  const type = spec.type ?? 'ClusterIP';
  const accessible = type === 'LoadBalancer' || type === 'NodePort' || (type === 'ClusterIP' && (spec.externalIPs?.length ?? 0) > 0);
  const externalPolicyLocal = accessible && spec.externalTrafficPolicy === 'Local';
  const internalPolicyLocal = spec.internalTrafficPolicy === 'Local';
  const stickySeconds = spec.sessionAffinity === 'ClientIP' ? (spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_STICKY_SECONDS) : undefined;
  const externalIPs: string[] = [];
  for (const text of spec.externalIPs ?? []) {
    const ip = canonicalIP(text);
    if (ip && ip.family === family) externalIPs.push(ip.text);
  }
  let sourceRanges: Cidr[] = [];
  for (const text of spec.loadBalancerSourceRanges ?? []) {
    const cidr = parseCidr(text.trim());
    if (cidr && cidr.network.family === family) sourceRanges.push(cidr);
  }
  if (sourceRanges.some((cidr) => cidr.prefix === 0)) sourceRanges = [];
  const vips: string[] = [];
  for (const ingress of service.status?.loadBalancer?.ingress ?? []) {
    if (!ingress.ip || (ingress.ipMode !== undefined && ingress.ipMode !== null && ingress.ipMode !== 'VIP')) continue;
    const ip = canonicalIP(ingress.ip);
    if (ip && ip.family === family) vips.push(ip.text);
  }
  const healthCheckNodePort = type === 'LoadBalancer' && externalPolicyLocal ? (spec.healthCheckNodePort ?? 0) : 0;
  const serviceName = `${service.metadata?.namespace ?? ''}/${service.metadata?.name ?? ''}`;
  return (spec.ports ?? []).map((port) => {
    const portName = port.name ?? '';
    return {
      service: serviceName,
      name: portName === '' ? serviceName : `${serviceName}:${portName}`,
      portName,
      protocol: (port.protocol ?? 'TCP').toLowerCase(),
      clusterIP,
      port: port.port ?? 0,
      nodePort: port.nodePort ?? 0,
      externalIPs,
      loadBalancerVIPs: vips,
      loadBalancerSourceRanges: sourceRanges,
      stickySeconds,
      externalPolicyLocal,
      internalPolicyLocal,
      healthCheckNodePort,
    };
  });
}

const portKey = (service: string, portName: string, protocol: string) => `${service}\u0000${portName}\u0000${protocol}`;

function collectEndpoints(slices: EndpointSlice[], family: Family, nodeName: string): Map<string, Map<string, EndpointInfo>> {
  const byPort = new Map<string, Map<string, EndpointInfo>>();
  for (const slice of slices) {
    if (slice.addressType !== familyName(family)) continue;
    const serviceLabel = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
    if (!serviceLabel) continue;
    const service = `${slice.metadata?.namespace ?? ''}/${serviceLabel}`;
    for (const port of slice.ports ?? []) {
      if (port.name === undefined || port.name === null || !port.port) continue;
      const key = portKey(service, port.name, (port.protocol ?? 'TCP').toLowerCase());
      let set = byPort.get(key);
      if (!set) byPort.set(key, (set = new Map()));
      for (const endpoint of slice.endpoints ?? []) {
        const address = endpoint.addresses?.[0];
        if (address === undefined) continue;
        const ip = canonicalIP(address);
        if (!ip) continue;
        const terminating = endpoint.conditions?.terminating === true;
        const text = joinHostPort(ip.text, ip.family, port.port);
        if (!set.has(text) || !terminating) {
          set.set(text, {
            ip: ip.text,
            port: port.port,
            endpoint: text,
            isLocal: nodeName !== '' && endpoint.nodeName === nodeName,
            ready: endpoint.conditions?.ready ?? true,
            serving: endpoint.conditions?.serving ?? true,
            terminating,
            zoneHints: (endpoint.hints?.forZones ?? []).map((zone) => zone.name),
          });
        }
      }
    }
  }
  return byPort;
}

const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function indexes(endpoints: EndpointInfo[], keep: (ep: EndpointInfo) => boolean): number[] {
  const out: number[] = [];
  endpoints.forEach((ep, i) => {
    if (keep(ep)) out.push(i);
  });
  return out;
}

/** kube-proxy's CategorizeEndpoints (same-zone hints included). */
export function categorize(info: ServicePortInfo, endpoints: EndpointInfo[], zone: string | undefined): Categories {
  const result: Categories = { cluster: [], local: [], allReachable: [], hasAny: false };
  if (endpoints.length === 0) return result;
  let zoneMode = false;
  if (usesClusterEndpoints(info)) {
    const ready = endpoints.filter((ep) => ep.ready);
    zoneMode =
      ready.length > 0 &&
      ready.every((ep) => ep.zoneHints.length > 0) &&
      zone !== undefined &&
      ready.some((ep) => ep.zoneHints.includes(zone));
    result.cluster = indexes(endpoints, (ep) => ep.ready && (!zoneMode || ep.zoneHints.includes(zone!)));
    if (result.cluster.length === 0) result.cluster = indexes(endpoints, (ep) => ep.serving && ep.terminating);
    result.hasAny = result.cluster.length > 0;
  }
  if (!usesLocalEndpoints(info)) {
    result.allReachable = result.cluster;
    return result;
  }
  let localReady = false;
  let localServingTerminating = false;
  for (const ep of endpoints) {
    if (ep.ready) {
      result.hasAny = true;
      localReady ||= ep.isLocal;
    } else if (ep.serving && ep.terminating) {
      result.hasAny = true;
      localServingTerminating ||= ep.isLocal;
    }
  }
  let useServingTerminating = false;
  if (localReady) {
    result.local = indexes(endpoints, (ep) => ep.isLocal && ep.ready);
  } else if (localServingTerminating) {
    useServingTerminating = true;
    result.local = indexes(endpoints, (ep) => ep.isLocal && ep.serving && ep.terminating);
  }
  if (!usesClusterEndpoints(info)) {
    result.allReachable = result.local;
    return result;
  }
  if (!zoneMode && !useServingTerminating) {
    result.allReachable = result.cluster;
    return result;
  }
  result.allReachable = [...new Set([...result.cluster, ...result.local])].sort((a, b) => a - b);
  return result;
}

export function buildClusterView(input: ProxyInput): ClusterView {
  const settings = input.settings;
  const familyText = settings.ipFamily ?? 'IPv4';
  if (familyText !== 'IPv4' && familyText !== 'IPv6') throw new Error(`invalid settings: unknown IP family ${JSON.stringify(familyText)}`);
  const family: Family = familyText === 'IPv4' ? 4 : 6;
  const infos = input.services.flatMap((service) => servicePorts(service, family));
  infos.sort((a, b) => byteOrder(a.name, b.name) || byteOrder(a.protocol, b.protocol));
  const unique = infos.filter((info, i) => i === 0 || info.name !== infos[i - 1]!.name || info.protocol !== infos[i - 1]!.protocol);
  const endpointsByPort = collectEndpoints(input.endpointSlices, family, settings.nodeName ?? '');
  let totalEndpoints = 0;
  const ports = unique.map((info) => {
    const set = endpointsByPort.get(portKey(info.service, info.portName, info.protocol));
    const endpoints = set ? [...set.values()].sort((a, b) => byteOrder(a.endpoint, b.endpoint)) : [];
    totalEndpoints += endpoints.length;
    return { info, endpoints, categories: categorize(info, endpoints, settings.zone) };
  });
  return { family, ports, totalEndpoints };
}
