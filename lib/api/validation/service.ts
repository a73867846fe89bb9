// Services: ports, types, cluster IPs and IP families, traffic policies, and the rules for
// changing a service's IPs after they were allocated.
import { FieldPath, fieldErrors } from '../field-errors.js';
import { PORT_PROTOCOLS } from './container.js';
import { goServicePortKey, goStringSlice } from './go-format.js';
import { isDualStack, isIPv6String, validateCIDR, validateIP, validateNonSpecialIP } from './ip.js';
import { Errs, type Rec, asRec, int, intOrString, optBool, optInt, optStr, rec, recList, scalarText, str, strList, strMap } from './json.js';
import { type MetaRules, validateLabels } from './meta.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidPortName, isValidPortNum, nameIsDNS1035Label } from '../names.js';

export const SERVICE_META: MetaRules = { nameRule: nameIsDNS1035Label, namespaced: true, kubeFinalizers: true };
const SPEC = FieldPath.root('spec');
const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const MAX_CLIENT_IP_AFFINITY_SECONDS = 86400;

interface ServiceView {
  type: string;
  clusterIPs: string[];
  externalIPs: string[];
  externalTrafficPolicy: string;
}

function view(spec: Rec): ServiceView {
  const quiet = new Errs();
  return {
    type: str(quiet, spec, 'type', SPEC),
    clusterIPs: strList(quiet, spec, 'clusterIPs', SPEC),
    externalIPs: strList(quiet, spec, 'externalIPs', SPEC),
    externalTrafficPolicy: str(quiet, spec, 'externalTrafficPolicy', SPEC),
  };
}

function isHeadless(s: ServiceView): boolean {
  return s.clusterIPs.length === 1 && s.clusterIPs[0] === 'None';
}

function externallyAccessible(s: ServiceView): boolean {
  return s.type === 'LoadBalancer' || s.type === 'NodePort' || (s.type === 'ClusterIP' && s.externalIPs.length > 0);
}

function needsHealthCheck(s: ServiceView): boolean {
  return s.type === 'LoadBalancer' && s.externalTrafficPolicy === 'Local';
}

function validateServicePort(errs: Errs, port: Rec, requireName: boolean, names: Set<string>, path: FieldPath): void {
  const name = str(errs, port, 'name', path);
  if (requireName && name === '') errs.add(fieldErrors.required(path.child('name').toString(), ''));
  else if (name !== '') {
    errs.invalid(path.child('name'), name, isDNS1123Label(name));
    if (names.has(name)) errs.add(fieldErrors.duplicate(path.child('name').toString(), name));
    else names.add(name);
  }
  const portNumber = int(errs, port, 'port', path);
  errs.invalid(path.child('port'), portNumber, isValidPortNum(portNumber));
  const protocol = str(errs, port, 'protocol', path);
  if (protocol === '') errs.add(fieldErrors.required(path.child('protocol').toString(), ''));
  else if (!PORT_PROTOCOLS.includes(protocol)) errs.add(fieldErrors.notSupported(path.child('protocol').toString(), protocol, PORT_PROTOCOLS));
  const target = intOrString(errs, port, 'targetPort', path);
  if (typeof target === 'string') errs.invalid(path.child('targetPort'), target, isValidPortName(target));
  else errs.invalid(path.child('targetPort'), target ?? 0, isValidPortNum(target ?? 0));
  const appProtocol = optStr(errs, port, 'appProtocol', path);
  if (appProtocol !== undefined) errs.invalid(path.child('appProtocol'), appProtocol, isQualifiedName(appProtocol));
}

function validateClusterIPsRelatedFields(errs: Errs, spec: Rec, s: ServiceView): void {
  if (s.type === 'ExternalName') return;
  const clusterIPsPath = SPEC.child('clusterIPs');
  const clusterIP = str(errs, spec, 'clusterIP', SPEC);
  const ips = s.clusterIPs;
  if (clusterIP !== '') {
    if (ips.length === 0) errs.add(fieldErrors.required(clusterIPsPath.toString(), ''));
    else if (ips[0] !== clusterIP) errs.invalid(clusterIPsPath, goStringSlice(ips), ['first value must match `clusterIP`']);
  } else if (ips.length !== 0) {
    errs.invalid(clusterIPsPath, goStringSlice(ips), ['must be empty when `clusterIP` is not specified']);
  }
  const families = strList(errs, spec, 'ipFamilies', SPEC);
  const seen = new Set<string>();
  families.forEach((f, i) => {
    if (f !== 'IPv4' && f !== 'IPv6') errs.add(fieldErrors.notSupported(SPEC.child('ipFamilies').index(i).toString(), f, ['IPv4', 'IPv6']));
    if (seen.has(f)) errs.add(fieldErrors.duplicate(SPEC.child('ipFamilies').index(i).toString(), f));
    seen.add(f);
  });
  const policy = optStr(errs, spec, 'ipFamilyPolicy', SPEC);
  const policies = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
  if (policy !== undefined && !policies.includes(policy)) errs.add(fieldErrors.notSupported(SPEC.child('ipFamilyPolicy').toString(), policy, policies));
  let badIPs = false;
  ips.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (ips.length > 1) {
        badIPs = true;
        errs.invalid(clusterIPsPath, goStringSlice(ips), ["'None' must be the first and only value"]);
      }
      return;
    }
    if (!validateIP(errs, clusterIPsPath.index(i), ip)) badIPs = true;
  });
  if (ips.length > 2) errs.invalid(clusterIPsPath, goStringSlice(ips), ['may only hold up to 2 values']);
  if (badIPs) return;
  if (ips.length > 1 && !isDualStack(ips)) errs.invalid(clusterIPsPath, goStringSlice(ips), ['may specify no more than one IP for each IP family']);
  if (!isHeadless(s) && ips.length > 0 && families.length > 0) {
    ips.forEach((ip, i) => {
      if (i >= families.length) return;
      if (families[i] === 'IPv4' && isIPv6String(ip)) errs.invalid(clusterIPsPath.index(i), ip, [`expected an IPv4 value as indicated by \`ipFamilies[${i}]\``]);
      if (families[i] === 'IPv6' && !isIPv6String(ip)) errs.invalid(clusterIPsPath.index(i), ip, [`expected an IPv6 value as indicated by \`ipFamilies[${i}]\``]);
    });
  }
}

export function validateServiceSpec(errs: Errs, obj: Rec): void {
  const annotations = strMap(new Errs(), asRec(obj.metadata), 'annotations', FieldPath.root('metadata')) ?? {};
  const hints = annotations['service.kubernetes.io/topology-aware-hints'];
  const mode = annotations['service.kubernetes.io/topology-mode'];
  if (hints !== undefined && mode !== undefined && hints !== mode) {
    errs.invalid(FieldPath.root('metadata').child('annotations').key('service.kubernetes.io/topology-mode'), mode, [
      'must match annotations[service.kubernetes.io/topology-aware-hints] when both are specified',
    ]);
  }
  const spec = rec(errs, obj, 'spec', FieldPath.root()) ?? {};
  const s = view(spec);
  const ports = recList(errs, spec, 'ports', SPEC);
  if (ports.length === 0 && !isHeadless(s) && s.type !== 'ExternalName') errs.add(fieldErrors.required(SPEC.child('ports').toString(), ''));
  if ((s.type === 'LoadBalancer' || s.type === 'NodePort') && isHeadless(s)) {
    errs.invalid(SPEC.child('clusterIPs').index(0), s.clusterIPs[0], [`may not be set to 'None' for ${s.type} services`]);
  }
  if (s.type === 'ExternalName') {
    if (s.clusterIPs.length > 0) errs.add(fieldErrors.forbidden(SPEC.child('clusterIPs').toString(), 'may not be set for ExternalName services'));
    if (strList(errs, spec, 'ipFamilies', SPEC).length > 0) errs.add(fieldErrors.forbidden(SPEC.child('ipFamilies').toString(), 'may not be set for ExternalName services'));
    if (optStr(errs, spec, 'ipFamilyPolicy', SPEC) !== undefined) {
      errs.add(fieldErrors.forbidden(SPEC.child('ipFamilyPolicy').toString(), 'may not be set for ExternalName services'));
    }
    const externalName = str(errs, spec, 'externalName', SPEC);
    const cname = externalName.endsWith('.') ? externalName.slice(0, -1) : externalName;
    if (cname !== '') errs.invalid(SPEC.child('externalName'), cname, isDNS1123Subdomain(cname));
    else errs.add(fieldErrors.required(SPEC.child('externalName').toString(), ''));
  }
  const names = new Set<string>();
  ports.forEach((port, i) => validateServicePort(errs, port, ports.length > 1, names, SPEC.child('ports').index(i)));
  validateLabels(errs, strMap(errs, spec, 'selector', SPEC), SPEC.child('selector'));

  const affinity = str(errs, spec, 'sessionAffinity', SPEC);
  const affinityConfig = rec(errs, spec, 'sessionAffinityConfig', SPEC);
  const configPath = SPEC.child('sessionAffinityConfig');
  if (affinity === '') errs.add(fieldErrors.required(SPEC.child('sessionAffinity').toString(), ''));
  else if (affinity !== 'ClientIP' && affinity !== 'None') errs.add(fieldErrors.notSupported(SPEC.child('sessionAffinity').toString(), affinity, ['ClientIP', 'None']));
  if (affinity === 'ClientIP') {
    const clientIP = rec(errs, affinityConfig, 'clientIP', configPath);
    const timeout = optInt(errs, clientIP, 'timeoutSeconds', configPath.child('clientIP'));
    const when = 'when session affinity type is ClientIP';
    if (!affinityConfig) errs.add(fieldErrors.required(configPath.toString(), when));
    else if (!clientIP) errs.add(fieldErrors.required(configPath.child('clientIP').toString(), when));
    else if (timeout === undefined) errs.add(fieldErrors.required(configPath.child('clientIP').child('timeoutSeconds').toString(), when));
    else if (timeout <= 0 || timeout > MAX_CLIENT_IP_AFFINITY_SECONDS) {
      errs.invalid(configPath.child('clientIP').child('timeoutSeconds'), timeout, [`must be greater than 0 and less than ${MAX_CLIENT_IP_AFFINITY_SECONDS}`]);
    }
  } else if (affinity === 'None' && affinityConfig) {
    errs.add(fieldErrors.forbidden(configPath.toString(), 'must not be set when session affinity is None'));
  }

  validateClusterIPsRelatedFields(errs, spec, s);
  s.externalIPs.forEach((ip, i) => {
    if (validateIP(errs, SPEC.child('externalIPs').index(i), ip)) validateNonSpecialIP(errs, SPEC.child('externalIPs').index(i), ip);
  });
  if (s.type === '') errs.add(fieldErrors.required(SPEC.child('type').toString(), ''));
  else if (!SERVICE_TYPES.includes(s.type)) errs.add(fieldErrors.notSupported(SPEC.child('type').toString(), s.type, SERVICE_TYPES));
  if (s.type === 'ClusterIP') {
    ports.forEach((port, i) => {
      if (typeof port.nodePort === 'number' && port.nodePort !== 0) {
        errs.add(fieldErrors.forbidden(SPEC.child('ports').index(i).child('nodePort').toString(), "may not be used when `type` is 'ClusterIP'"));
      }
    });
  }
  const nodePorts = new Set<string>();
  ports.forEach((port, i) => {
    const nodePort = typeof port.nodePort === 'number' ? port.nodePort : 0;
    if (nodePort === 0) return;
    const key = `${scalarText(port.protocol)}/${nodePort}`;
    if (nodePorts.has(key)) errs.add(fieldErrors.duplicate(SPEC.child('ports').index(i).child('nodePort').toString(), nodePort));
    nodePorts.add(key);
  });
  const portKeys = new Set<string>();
  ports.forEach((port, i) => {
    const protocol = typeof port.protocol === 'string' ? port.protocol : '';
    const number = typeof port.port === 'number' ? port.port : 0;
    const key = `${protocol}/${number}`;
    if (portKeys.has(key)) errs.add(fieldErrors.duplicate(SPEC.child('ports').index(i).toString(), goServicePortKey(protocol, number)));
    portKeys.add(key);
  });

  const ranges = strList(errs, spec, 'loadBalancerSourceRanges', SPEC);
  const rangesPath = SPEC.child('LoadBalancerSourceRanges');
  if (ranges.length > 0) {
    if (s.type !== 'LoadBalancer') errs.add(fieldErrors.forbidden(rangesPath.toString(), "may only be used when `type` is 'LoadBalancer'"));
    ranges.forEach((r, i) => validateCIDR(errs, rangesPath.index(i), r.trim()));
  } else if (Object.hasOwn(annotations, 'service.beta.kubernetes.io/load-balancer-source-ranges')) {
    const path = FieldPath.root('metadata').child('annotations').key('service.beta.kubernetes.io/load-balancer-source-ranges');
    if (s.type !== 'LoadBalancer') errs.add(fieldErrors.forbidden(path.toString(), "may only be used when `type` is 'LoadBalancer'"));
    const value = annotations['service.beta.kubernetes.io/load-balancer-source-ranges']!.trim();
    if (value !== '') for (const r of value.split(',')) validateCIDR(errs, path, r.trim());
  }
  const allocate = optBool(errs, spec, 'allocateLoadBalancerNodePorts', SPEC);
  if (allocate !== undefined && s.type !== 'LoadBalancer') {
    errs.add(fieldErrors.forbidden(SPEC.child('allocateLoadBalancerNodePorts').toString(), "may only be used when `type` is 'LoadBalancer'"));
  }
  // Kubernetes reports this one without the "spec." prefix.
  if (s.type === 'LoadBalancer' && allocate === undefined) errs.add(fieldErrors.required('allocateLoadBalancerNodePorts', ''));
  const lbClass = optStr(errs, spec, 'loadBalancerClass', SPEC);
  if (lbClass !== undefined) {
    if (s.type === 'LoadBalancer') errs.invalid(SPEC.child('loadBalancerClass'), lbClass, isQualifiedName(lbClass));
    else errs.add(fieldErrors.forbidden(SPEC.child('loadBalancerClass').toString(), "may only be used when `type` is 'LoadBalancer'"));
  }
  if (!externallyAccessible(s)) {
    if (s.externalTrafficPolicy !== '') errs.invalid(SPEC.child('externalTrafficPolicy'), s.externalTrafficPolicy, ['may only be set for externally-accessible services']);
  } else if (s.externalTrafficPolicy === '') {
    errs.add(fieldErrors.required(SPEC.child('externalTrafficPolicy').toString(), ''));
  } else if (s.externalTrafficPolicy !== 'Cluster' && s.externalTrafficPolicy !== 'Local') {
    errs.add(fieldErrors.notSupported(SPEC.child('externalTrafficPolicy').toString(), s.externalTrafficPolicy, ['Cluster', 'Local']));
  }
  const healthCheckNodePort = int(errs, spec, 'healthCheckNodePort', SPEC);
  if (!needsHealthCheck(s)) {
    if (healthCheckNodePort !== 0) {
      errs.invalid(SPEC.child('healthCheckNodePort'), healthCheckNodePort, ["may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"]);
    }
  } else if (healthCheckNodePort === 0) {
    errs.add(fieldErrors.required(SPEC.child('healthCheckNodePort').toString(), ''));
  } else {
    errs.invalid(SPEC.child('healthCheckNodePort'), healthCheckNodePort, isValidPortNum(healthCheckNodePort));
  }
  const internal = optStr(errs, spec, 'internalTrafficPolicy', SPEC);
  if (internal === undefined && ['NodePort', 'LoadBalancer', 'ClusterIP'].includes(s.type)) {
    errs.add(fieldErrors.required(SPEC.child('internalTrafficPolicy').toString(), ''));
  }
  if (internal !== undefined && internal !== 'Cluster' && internal !== 'Local') {
    errs.add(fieldErrors.notSupported(SPEC.child('internalTrafficPolicy').toString(), internal, ['Cluster', 'Local']));
  }
  const distribution = optStr(errs, spec, 'trafficDistribution', SPEC);
  if (distribution !== undefined && distribution !== 'PreferClose') {
    errs.add(fieldErrors.notSupported(SPEC.child('trafficDistribution').toString(), distribution, ['PreferClose']));
  }
}

/** Once allocated, cluster IPs and IP families only change by adding or dropping the secondary. */
export function validateServiceUpdateRules(errs: Errs, obj: Rec, old: Rec): void {
  const spec = asRec(obj.spec) ?? {};
  const oldSpec = asRec(old.spec) ?? {};
  const s = view(spec);
  const o = view(oldSpec);
  const quiet = new Errs();
  const policy = optStr(quiet, spec, 'ipFamilyPolicy', SPEC);
  const ipsPath = SPEC.child('clusterIPs');
  const ips = goStringSlice(s.clusterIPs);
  if (s.type !== 'ExternalName' && o.type !== 'ExternalName' && !(isHeadless(s) && isHeadless(o))) {
    if (o.clusterIPs.length === s.clusterIPs.length) {
      o.clusterIPs.forEach((ip, i) => {
        if (ip !== s.clusterIPs[i]) errs.invalid(ipsPath.index(i), ips, ['may not change once set']);
      });
    } else if (o.clusterIPs.length > s.clusterIPs.length) {
      if (s.clusterIPs.length === 0) errs.invalid(ipsPath.index(0), ips, ['primary clusterIP can not be unset']);
      if (s.clusterIPs.length > 0 && s.clusterIPs[0] !== o.clusterIPs[0]) errs.invalid(ipsPath.index(0), ips, ['may not change once set']);
      if (s.clusterIPs.length === 1 && policy !== 'SingleStack') {
        errs.invalid(SPEC.child('ipFamilyPolicy'), policy ?? null, ["must be set to 'SingleStack' when releasing the secondary clusterIP"]);
      }
    } else if (o.clusterIPs.length > 0 && s.clusterIPs[0] !== o.clusterIPs[0]) {
      errs.invalid(ipsPath.index(0), ips, ['may not change once set']);
    }
  }
  if (s.type !== 'ExternalName' && o.type !== 'ExternalName' && isHeadless(s) === isHeadless(o) && !isHeadless(s)) {
    const families = strList(quiet, spec, 'ipFamilies', SPEC);
    const oldFamilies = strList(quiet, oldSpec, 'ipFamilies', SPEC);
    const fp = SPEC.child('ipFamilies').index(0);
    if (families.length === oldFamilies.length) {
      oldFamilies.forEach((f, i) => {
        if (f !== families[i]) errs.invalid(fp, goStringSlice(families, 'core.IPFamily'), ['may not change once set']);
      });
    } else if (oldFamilies.length > families.length) {
      if (s.clusterIPs.length === 0) errs.invalid(fp, goStringSlice(families, 'core.IPFamily'), ['primary ipFamily can not be unset']);
      if (families.length > 0 && families[0] !== oldFamilies[0]) errs.invalid(fp, ips, ['may not change once set']);
      if (families.length === 1 && policy !== 'SingleStack') {
        errs.invalid(SPEC.child('ipFamilyPolicy'), policy ?? null, ["must be set to 'SingleStack' when releasing the secondary ipFamily"]);
      }
    } else if (oldFamilies.length > 0 && families.length > 0 && families[0] !== oldFamilies[0]) {
      errs.invalid(fp, ips, ['may not change once set']);
    }
  }
  if (s.type === 'LoadBalancer' && o.type === 'LoadBalancer' && (spec.loadBalancerClass ?? null) !== (oldSpec.loadBalancerClass ?? null)) {
    errs.invalid(SPEC.child('loadBalancerClass'), spec.loadBalancerClass ?? null, ['may not change once set']);
  }
  if (needsHealthCheck(o) && needsHealthCheck(s) && spec.healthCheckNodePort !== oldSpec.healthCheckNodePort) {
    errs.add(fieldErrors.forbidden(SPEC.child('healthCheckNodePort').toString(), 'field is immutable'));
  }
}

export function validateServiceStatus(errs: Errs, obj: Rec): void {
  const path = FieldPath.root('status').child('loadBalancer').child('ingress');
  const status = rec(errs, obj, 'status', FieldPath.root());
  const ingress = recList(errs, rec(errs, status, 'loadBalancer', FieldPath.root('status')), 'ingress', FieldPath.root('status').child('loadBalancer'));
  const type = view(asRec(obj.spec) ?? {}).type;
  if (type !== 'LoadBalancer' && ingress.length > 0) {
    errs.add(fieldErrors.forbidden(path.toString(), "may only be used when `spec.type` is 'LoadBalancer'"));
    return;
  }
  ingress.forEach((ing, i) => {
    const p = path.index(i);
    const ip = str(errs, ing, 'ip', p);
    if (ip !== '') validateIP(errs, p.child('ip'), ip);
    const ipMode = optStr(errs, ing, 'ipMode', p);
    if (ipMode === undefined) {
      if (ip !== '') errs.add(fieldErrors.required(p.child('ipMode').toString(), 'must be specified when `ip` is set'));
    } else if (ip === '') {
      errs.add(fieldErrors.forbidden(p.child('ipMode').toString(), 'may not be specified when `ip` is not set'));
    } else if (ipMode !== 'VIP' && ipMode !== 'Proxy') {
      errs.add(fieldErrors.notSupported(p.child('ipMode').toString(), ipMode, ['Proxy', 'VIP']));
    }
    const hostname = str(errs, ing, 'hostname', p);
    if (hostname !== '') {
      errs.invalid(p.child('hostname'), hostname, isDNS1123Subdomain(hostname));
      if (validateIPQuietly(hostname)) errs.invalid(p.child('hostname'), hostname, ['must be a DNS name, not an IP address']);
    }
  });
}

function validateIPQuietly(value: string): boolean {
  const errs = new Errs();
  return validateIP(errs, FieldPath.root(), value);
}

