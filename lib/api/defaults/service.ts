// Service defaults (SetDefaults_Service) and the IP-family fields the apiserver fills in before
// allocating cluster IPs (which it does itself, after this).
import { isDeepStrictEqual } from 'node:util';
import { type Rec, asRec, isUnset, recs, setDefault } from './util.js';

function externallyAccessible(spec: Rec): boolean {
  const externalIPs = Array.isArray(spec.externalIPs) ? spec.externalIPs.length : 0;
  return spec.type === 'LoadBalancer' || spec.type === 'NodePort' || (spec.type === 'ClusterIP' && externalIPs > 0);
}

/** clusterIP and clusterIPs[0] name the same address; whichever the client set fills the other. */
function syncClusterIPs(spec: Rec): void {
  const ips = Array.isArray(spec.clusterIPs) ? spec.clusterIPs : undefined;
  if (typeof spec.clusterIP === 'string' && spec.clusterIP !== '' && (ips === undefined || ips.length === 0)) {
    spec.clusterIPs = [spec.clusterIP];
  } else if (isUnset(spec.clusterIP) && ips && ips.length > 0 && typeof ips[0] === 'string') {
    spec.clusterIP = ips[0];
  }
}

/** A single-stack IPv4 cluster: families default to [IPv4]; headless selectorless services may span both. */
function defaultIPFamilies(spec: Rec): void {
  if (spec.type === 'ExternalName') return;
  const headless = Array.isArray(spec.clusterIPs) && spec.clusterIPs.length === 1 && spec.clusterIPs[0] === 'None';
  const selector = asRec(spec.selector);
  const selectorless = !selector || Object.keys(selector).length === 0;
  setDefault(spec, 'ipFamilyPolicy', headless && selectorless ? 'RequireDualStack' : 'SingleStack');
  if (spec.ipFamilies === undefined || spec.ipFamilies === null || (Array.isArray(spec.ipFamilies) && spec.ipFamilies.length === 0)) {
    const firstIP = Array.isArray(spec.clusterIPs) && typeof spec.clusterIPs[0] === 'string' ? spec.clusterIPs[0] : '';
    spec.ipFamilies = [firstIP.includes(':') ? 'IPv6' : 'IPv4'];
  }
}

function needsClusterIP(spec: Rec): boolean {
  return spec.type !== 'ExternalName';
}

function needsNodePorts(spec: Rec): boolean {
  return spec.type === 'NodePort' || (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);
}

function needsHealthCheckNodePort(spec: Rec): boolean {
  return spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local';
}

function nodePorts(spec: Rec): number[] {
  return recs(spec, 'ports').flatMap((p) => (typeof p.nodePort === 'number' && p.nodePort !== 0 ? [p.nodePort] : []));
}

/**
 * On update the apiserver keeps what it allocated when the client leaves it out (a replace
 * from a manifest has no cluster IP or node ports), and drops it when the new type has no
 * use for it and the client did not touch it.
 */
function carryOverAllocations(spec: Rec, old: Rec): void {
  const same = (key: string): boolean => isDeepStrictEqual(spec[key] ?? null, old[key] ?? null);
  if (needsClusterIP(old) && !needsClusterIP(spec)) {
    if (same('clusterIP') && same('clusterIPs')) {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    }
    if (same('ipFamilies')) delete spec.ipFamilies;
    if (same('ipFamilyPolicy')) delete spec.ipFamilyPolicy;
  } else if (needsClusterIP(old) && needsClusterIP(spec)) {
    if (isUnset(spec.clusterIP) && !isUnset(old.clusterIP)) spec.clusterIP = old.clusterIP;
    if ((spec.clusterIPs === undefined || spec.clusterIPs === null || (Array.isArray(spec.clusterIPs) && spec.clusterIPs.length === 0)) && Array.isArray(old.clusterIPs)) {
      spec.clusterIPs = [...old.clusterIPs];
    }
    if (isUnset(spec.ipFamilyPolicy) && !isUnset(old.ipFamilyPolicy)) spec.ipFamilyPolicy = old.ipFamilyPolicy;
    if ((spec.ipFamilies === undefined || spec.ipFamilies === null) && Array.isArray(old.ipFamilies)) spec.ipFamilies = [...old.ipFamilies];
  }
  if (needsNodePorts(old) && needsNodePorts(spec)) {
    const used = new Set(nodePorts(spec));
    const byName = new Map(recs(old, 'ports').map((p) => [p.name ?? '', p.nodePort]));
    for (const port of recs(spec, 'ports')) {
      const previous = byName.get(port.name ?? '');
      if ((isUnset(port.nodePort) || port.nodePort === 0) && typeof previous === 'number' && !used.has(previous)) port.nodePort = previous;
    }
  } else if (needsNodePorts(old) && !needsNodePorts(spec) && isDeepStrictEqual(nodePorts(spec), nodePorts(old))) {
    for (const port of recs(spec, 'ports')) delete port.nodePort;
  }
  if (needsHealthCheckNodePort(old)) {
    if (needsHealthCheckNodePort(spec)) {
      if (isUnset(spec.healthCheckNodePort) || spec.healthCheckNodePort === 0) spec.healthCheckNodePort = old.healthCheckNodePort;
    } else if (same('healthCheckNodePort')) {
      delete spec.healthCheckNodePort;
    }
  }
  if (old.type === 'LoadBalancer' && spec.type !== 'LoadBalancer') {
    for (const key of ['allocateLoadBalancerNodePorts', 'loadBalancerClass']) if (same(key)) delete spec[key];
  }
  const externallyAccessibleBefore = externallyAccessible(old);
  if (externallyAccessibleBefore && !externallyAccessible(spec) && same('externalTrafficPolicy')) delete spec.externalTrafficPolicy;
}

/** `old` is the stored service when defaulting an update. */
export function defaultService(svc: Rec, old?: Rec): void {
  const spec = asRec(svc.spec);
  if (!spec) return;
  setDefault(spec, 'sessionAffinity', 'None');
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP') {
    const timeout = asRec(asRec(spec.sessionAffinityConfig)?.clientIP)?.timeoutSeconds;
    if (timeout === undefined || timeout === null) spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } };
  }
  setDefault(spec, 'type', 'ClusterIP');
  for (const port of recs(spec, 'ports')) {
    setDefault(port, 'protocol', 'TCP');
    const targetUnset = port.targetPort === undefined || port.targetPort === null || port.targetPort === 0 || port.targetPort === '';
    // Go reads a missing port as 0, so the target then defaults to 0 too.
    if (targetUnset && (typeof port.port === 'number' || port.port === undefined || port.port === null)) port.targetPort = port.port ?? 0;
  }
  if (externallyAccessible(spec)) setDefault(spec, 'externalTrafficPolicy', 'Cluster');
  if (isUnset(spec.internalTrafficPolicy) && ['NodePort', 'LoadBalancer', 'ClusterIP'].includes(spec.type as string)) spec.internalTrafficPolicy = 'Cluster';
  if (spec.type === 'LoadBalancer' && (spec.allocateLoadBalancerNodePorts === undefined || spec.allocateLoadBalancerNodePorts === null)) {
    spec.allocateLoadBalancerNodePorts = true;
  }
  const oldSpec = asRec(old?.spec);
  if (oldSpec) carryOverAllocations(spec, oldSpec);
  syncClusterIPs(spec);
  defaultIPFamilies(spec);
  if (svc.status === undefined || svc.status === null) svc.status = { loadBalancer: {} };
  const status = asRec(svc.status);
  if (status && (status.loadBalancer === undefined || status.loadBalancer === null)) status.loadBalancer = {};
  if (spec.type === 'LoadBalancer') {
    for (const ingress of recs(asRec(status?.loadBalancer), 'ingress')) {
      if (!isUnset(ingress.ip) && isUnset(ingress.ipMode)) ingress.ipMode = 'VIP';
    }
  }
}
