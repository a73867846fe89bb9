// networking.k8s.io/v1 kinds (pkg/apis/networking/validation of Kubernetes 1.36): Ingresses
// (rules, paths and pathType, backends, TLS), IngressClasses, NetworkPolicies (ports, peers,
// policy types), ServiceCIDRs and IPAddresses.
import { FieldPath, fieldErrors } from '../field-errors.js';
import {
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isValidPathSegmentName,
  isValidPortName,
  isValidPortNum,
  isWildcardDNS1123Subdomain,
  nameIsDNSSubdomain,
} from '../names.js';
import { validateDomainPrefixedPath } from './batch.js';
import { GoValue } from './go-format.js';
import { isValidCIDR, parseIP, validateCIDR, validateIP } from './ip.js';
import { Errs, type Rec, intOrString, optInt, optStr, rec, recList, str, strList } from './json.js';
import { type MetaRules, validateImmutable, validateLabelSelector, validateObjectMeta } from './meta.js';

export const NAMESPACED_NETWORKING_META: MetaRules = { nameRule: nameIsDNSSubdomain, namespaced: true, kubeFinalizers: true };
export const CLUSTER_NETWORKING_META: MetaRules = { nameRule: nameIsDNSSubdomain, namespaced: false, kubeFinalizers: true };

const ROOT = FieldPath.root();
const SPEC = FieldPath.root('spec');
const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];
const INVALID_PATH_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const INVALID_PATH_SUFFIXES = ['/..', '/.'];
const INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';
const MAX_CONTROLLER_LENGTH = 250;
const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];
const POLICY_TYPES = ['Ingress', 'Egress'];
const PARAMETER_SCOPES = ['Cluster', 'Namespace'];

// --- Ingress -----------------------------------------------------------------------------------

function validateTypedReference(errs: Errs, ref: Rec, path: FieldPath): void {
  const apiGroup = optStr(errs, ref, 'apiGroup', path);
  if (apiGroup !== undefined) errs.invalid(path.child('apiGroup'), apiGroup, isDNS1123Subdomain(apiGroup));
  const kind = str(errs, ref, 'kind', path);
  if (kind === '') errs.add(fieldErrors.required(path.child('kind').toString(), 'kind is required'));
  else errs.invalid(path.child('kind'), kind, isValidPathSegmentName(kind));
  const name = str(errs, ref, 'name', path);
  if (name === '') errs.add(fieldErrors.required(path.child('name').toString(), 'name is required'));
  else errs.invalid(path.child('name'), name, isValidPathSegmentName(name));
}

function validateIngressBackend(errs: Errs, backend: Rec, path: FieldPath): void {
  const resource = rec(errs, backend, 'resource', path);
  const service = rec(errs, backend, 'service', path);
  if (resource && service) {
    errs.invalid(path, '', ['cannot set both resource and service backends']);
    return;
  }
  if (resource) {
    validateTypedReference(errs, resource, path.child('resource'));
    return;
  }
  if (!service) {
    errs.invalid(path, '', ['resource or service backend is required']);
    return;
  }
  const sp = path.child('service');
  const name = str(errs, service, 'name', sp);
  if (name === '') errs.add(fieldErrors.required(sp.child('name').toString(), ''));
  else errs.invalid(sp.child('name'), name, isDNS1035Label(name));
  const port = rec(errs, service, 'port', sp) ?? {};
  const portName = str(errs, port, 'name', sp.child('port'));
  const portNumber = optInt(errs, port, 'number', sp.child('port')) ?? 0;
  if (portName !== '' && portNumber !== 0) errs.invalid(path, '', ['cannot set both port name & port number']);
  else if (portName !== '') errs.invalid(sp.child('port').child('name'), portName, isValidPortName(portName));
  else if (portNumber !== 0) errs.invalid(sp.child('port').child('number'), portNumber, isValidPortNum(portNumber));
  else errs.add(fieldErrors.required(path.toString(), 'port name or number is required'));
}

function validateIngressPath(errs: Errs, httpPath: Rec, path: FieldPath): void {
  const pathType = optStr(errs, httpPath, 'pathType', path);
  if (pathType === undefined) {
    errs.add(fieldErrors.required(path.child('pathType').toString(), 'pathType must be specified'));
    return;
  }
  const value = str(errs, httpPath, 'path', path);
  if (pathType === 'Exact' || pathType === 'Prefix') {
    if (!value.startsWith('/')) errs.invalid(path.child('path'), value, ['must be an absolute path']);
    if (value !== '') {
      for (const seq of INVALID_PATH_SEQUENCES) if (value.includes(seq)) errs.invalid(path.child('path'), value, [`must not contain '${seq}'`]);
      for (const suffix of INVALID_PATH_SUFFIXES) if (value.endsWith(suffix)) errs.invalid(path.child('path'), value, [`cannot end with '${suffix}'`]);
    }
  } else if (pathType === 'ImplementationSpecific') {
    if (value !== '' && !value.startsWith('/')) errs.invalid(path.child('path'), value, ['must be an absolute path']);
  } else {
    errs.add(fieldErrors.notSupported(path.child('pathType').toString(), pathType, PATH_TYPES));
  }
  validateIngressBackend(errs, rec(errs, httpPath, 'backend', path) ?? {}, path.child('backend'));
}

function validateIngressRuleValue(errs: Errs, rule: Rec, path: FieldPath): void {
  const http = rec(errs, rule, 'http', path);
  if (!http) return;
  const hp = path.child('http');
  const paths = recList(errs, http, 'paths', hp);
  if (paths.length === 0) errs.add(fieldErrors.required(hp.child('paths').toString(), ''));
  paths.forEach((p, i) => validateIngressPath(errs, p, hp.child('paths').index(i)));
}

function hostProblems(host: string): string[] {
  return host.includes('*') ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host);
}

function ruleValueInvalid(rule: Rec): boolean {
  const scratch = new Errs();
  validateIngressRuleValue(scratch, rule, FieldPath.root());
  return scratch.length > 0;
}

interface IngressOptions {
  allowInvalidSecretName: boolean;
  allowInvalidWildcardHostRule: boolean;
}

function validateIngressSpec(errs: Errs, spec: Rec, options: IngressOptions): void {
  const rules = recList(errs, spec, 'rules', SPEC);
  const defaultBackend = rec(errs, spec, 'defaultBackend', SPEC);
  if (rules.length === 0 && !defaultBackend) errs.invalid(SPEC, new GoValue('[]networking.IngressRule(nil)'), ['either `defaultBackend` or `rules` must be specified']);
  if (defaultBackend) validateIngressBackend(errs, defaultBackend, SPEC.child('defaultBackend'));
  rules.forEach((rule, i) => {
    const p = SPEC.child('rules').index(i);
    const host = str(errs, rule, 'host', p);
    let wildcard = false;
    if (host !== '') {
      if (parseIP(host)) errs.invalid(p.child('host'), host, ['must be a DNS name, not an IP address']);
      errs.invalid(p.child('host'), host, hostProblems(host));
      wildcard = host.includes('*');
    }
    if (!wildcard || !options.allowInvalidWildcardHostRule) validateIngressRuleValue(errs, rule, p);
  });
  recList(errs, spec, 'tls', SPEC).forEach((tls, i) => {
    const p = SPEC.child('tls').index(i);
    strList(errs, tls, 'hosts', p).forEach((host, j) => errs.invalid(p.child('hosts').index(j), host, hostProblems(host)));
    const secretName = str(errs, tls, 'secretName', p);
    if (!options.allowInvalidSecretName && secretName !== '') errs.invalid(p.child('secretName'), secretName, isDNS1123Subdomain(secretName));
  });
  const className = optStr(errs, spec, 'ingressClassName', SPEC);
  if (className !== undefined) errs.invalid(SPEC.child('ingressClassName'), className, isDNS1123Subdomain(className));
}

export function validateIngress(errs: Errs, obj: Rec): void {
  validateObjectMeta(errs, obj, NAMESPACED_NETWORKING_META);
  const spec = rec(errs, obj, 'spec', ROOT) ?? {};
  validateIngressSpec(errs, spec, { allowInvalidSecretName: false, allowInvalidWildcardHostRule: false });
  const annotations = (obj.metadata as Rec | undefined)?.annotations as Rec | undefined;
  const annotation = annotations?.[INGRESS_CLASS_ANNOTATION];
  if (typeof annotation === 'string' && typeof spec.ingressClassName === 'string' && annotation !== spec.ingressClassName) {
    errs.invalid(FieldPath.root('annotations').child(INGRESS_CLASS_ANNOTATION), annotation, ['must match `ingressClassName` when both are specified']);
  }
}

export function validateIngressUpdate(errs: Errs, obj: Rec, old: Rec): void {
  validateObjectMeta(errs, obj, NAMESPACED_NETWORKING_META);
  const scratch = new Errs();
  const oldSpec = rec(scratch, old, 'spec', ROOT) ?? {};
  const options: IngressOptions = {
    allowInvalidSecretName: recList(scratch, oldSpec, 'tls', SPEC).some((tls) => typeof tls.secretName === 'string' && tls.secretName !== '' && isDNS1123Subdomain(tls.secretName).length > 0),
    allowInvalidWildcardHostRule: recList(scratch, oldSpec, 'rules', SPEC).some((rule) => typeof rule.host === 'string' && rule.host.includes('*') && ruleValueInvalid(rule)),
  };
  validateIngressSpec(errs, rec(errs, obj, 'spec', ROOT) ?? {}, options);
}

export function validateIngressStatus(errs: Errs, obj: Rec): void {
  const path = FieldPath.root('status').child('loadBalancer');
  const loadBalancer = rec(errs, rec(errs, obj, 'status', ROOT), 'loadBalancer', FieldPath.root('status'));
  recList(errs, loadBalancer, 'ingress', path).forEach((entry, i) => {
    const p = path.child('ingress').index(i);
    const ip = str(errs, entry, 'ip', p);
    if (ip !== '') validateIP(errs, p.child('ip'), ip);
    const hostname = str(errs, entry, 'hostname', p);
    if (hostname !== '') {
      errs.invalid(p.child('hostname'), hostname, isDNS1123Subdomain(hostname));
      if (parseIP(hostname)) errs.invalid(p.child('hostname'), hostname, ['must be a DNS name, not an IP address']);
    }
  });
}

// --- IngressClass ------------------------------------------------------------------------------

export function validateIngressClass(errs: Errs, obj: Rec): void {
  validateObjectMeta(errs, obj, CLUSTER_NETWORKING_META);
  const spec = rec(errs, obj, 'spec', ROOT) ?? {};
  const controller = str(errs, spec, 'controller', SPEC);
  if (controller.length > MAX_CONTROLLER_LENGTH) errs.add(fieldErrors.tooLong('spec.controller', MAX_CONTROLLER_LENGTH));
  validateDomainPrefixedPath(errs, controller, SPEC.child('controller'));
  const params = rec(errs, spec, 'parameters', SPEC);
  if (!params) return;
  const pp = SPEC.child('parameters');
  validateTypedReference(errs, params, pp);
  const scope = optStr(errs, params, 'scope', pp);
  if (scope === undefined) {
    errs.add(fieldErrors.required(pp.child('scope').toString(), ''));
    return;
  }
  const namespace = optStr(errs, params, 'namespace', pp);
  if (!PARAMETER_SCOPES.includes(scope)) {
    errs.add(fieldErrors.notSupported(pp.child('scope').toString(), scope, PARAMETER_SCOPES));
  } else if (scope === 'Namespace') {
    if (namespace === undefined) errs.add(fieldErrors.required(pp.child('namespace').toString(), "`parameters.scope` is set to 'Namespace'"));
    else errs.invalid(pp.child('namespace'), namespace, isDNS1123Label(namespace));
  } else if (namespace !== undefined) {
    errs.add(fieldErrors.forbidden(pp.child('namespace').toString(), "`parameters.scope` is set to 'Cluster'"));
  }
}

export function validateIngressClassUpdate(errs: Errs, obj: Rec, old: Rec): void {
  validateImmutable(errs, (obj.spec as Rec | undefined)?.controller ?? '', (old.spec as Rec | undefined)?.controller ?? '', SPEC.child('controller'));
  validateIngressClass(errs, obj);
}

// --- NetworkPolicy -----------------------------------------------------------------------------

function validatePolicyPort(errs: Errs, port: Rec, path: FieldPath): void {
  const protocol = optStr(errs, port, 'protocol', path);
  if (protocol !== undefined && !PROTOCOLS.includes(protocol)) errs.add(fieldErrors.notSupported(path.child('protocol').toString(), protocol, PROTOCOLS));
  const value = intOrString(errs, port, 'port', path);
  const endPort = optInt(errs, port, 'endPort', path);
  if (value === undefined) {
    if (endPort !== undefined) errs.invalid(path.child('endPort'), endPort, ['may not be specified when `port` is not specified']);
  } else if (typeof value === 'number') {
    errs.invalid(path.child('port'), value, isValidPortNum(value));
    if (endPort !== undefined) {
      if (endPort < value) errs.invalid(path.child('endPort'), value, ['must be greater than or equal to `port`']);
      errs.invalid(path.child('endPort'), endPort, isValidPortNum(endPort));
    }
  } else {
    if (endPort !== undefined) errs.invalid(path.child('endPort'), endPort, ['may not be specified when `port` is non-numeric']);
    errs.invalid(path.child('port'), value, isValidPortName(value));
  }
}

function cidrParts(value: string): { bytes: number[]; bits: number; v4: boolean } | undefined {
  const slash = value.indexOf('/');
  const ip = slash < 0 ? undefined : parseIP(value.slice(0, slash));
  if (!ip) return undefined;
  const bits = Number(value.slice(slash + 1));
  return { bytes: ip.isV4 ? ip.bytes.slice(12) : ip.bytes, bits, v4: ip.isV4 };
}

function contains(outer: { bytes: number[]; bits: number }, inner: { bytes: number[] }): boolean {
  if (outer.bytes.length !== inner.bytes.length) return false;
  for (let bit = 0; bit < outer.bits; bit++) {
    const byte = bit >> 3;
    const mask = 0x80 >> (bit & 7);
    if ((outer.bytes[byte]! & mask) !== (inner.bytes[byte]! & mask)) return false;
  }
  return true;
}

function validateIPBlock(errs: Errs, block: Rec, path: FieldPath): void {
  const cidr = str(errs, block, 'cidr', path);
  if (cidr === '') {
    errs.add(fieldErrors.required(path.child('cidr').toString(), ''));
    return;
  }
  validateCIDR(errs, path.child('cidr'), cidr);
  const outer = isValidCIDR(cidr) ? cidrParts(cidr) : undefined;
  if (!outer) return;
  strList(errs, block, 'except', path).forEach((except, i) => {
    const p = path.child('except').index(i);
    validateCIDR(errs, p, except);
    const inner = isValidCIDR(except) ? cidrParts(except) : undefined;
    if (!inner) return;
    if (!contains(outer, inner) || outer.bits >= inner.bits) errs.invalid(p, except, ['must be a strict subset of `cidr`']);
  });
}

function validatePeer(errs: Errs, peer: Rec, path: FieldPath): void {
  let peers = 0;
  const podSelector = rec(errs, peer, 'podSelector', path);
  if (podSelector) {
    peers++;
    validateLabelSelector(errs, podSelector, path.child('podSelector'));
  }
  const namespaceSelector = rec(errs, peer, 'namespaceSelector', path);
  if (namespaceSelector) {
    peers++;
    validateLabelSelector(errs, namespaceSelector, path.child('namespaceSelector'));
  }
  const ipBlock = rec(errs, peer, 'ipBlock', path);
  if (ipBlock) {
    peers++;
    validateIPBlock(errs, ipBlock, path.child('ipBlock'));
  }
  if (peers === 0) errs.add(fieldErrors.required(path.toString(), 'must specify a peer'));
  else if (peers > 1 && ipBlock) errs.add(fieldErrors.forbidden(path.toString(), 'may not specify both ipBlock and another peer'));
}

function validateNetworkPolicySpec(errs: Errs, obj: Rec): void {
  const spec = rec(errs, obj, 'spec', ROOT) ?? {};
  validateLabelSelector(errs, rec(errs, spec, 'podSelector', SPEC), SPEC.child('podSelector'));
  for (const [direction, peersKey] of [
    ['ingress', 'from'],
    ['egress', 'to'],
  ] as const) {
    recList(errs, spec, direction, SPEC).forEach((rule, i) => {
      const p = SPEC.child(direction).index(i);
      recList(errs, rule, 'ports', p).forEach((port, j) => validatePolicyPort(errs, port, p.child('ports').index(j)));
      recList(errs, rule, peersKey, p).forEach((peer, j) => validatePeer(errs, peer, p.child(peersKey).index(j)));
    });
  }
  const types = strList(errs, spec, 'policyTypes', SPEC);
  if (types.length > POLICY_TYPES.length) {
    errs.invalid(SPEC.child('policyTypes'), new GoValue(`&[]networking.PolicyType{${types.map((t) => JSON.stringify(t)).join(', ')}}`), ['may not specify more than two policyTypes']);
    return;
  }
  types.forEach((type, i) => {
    if (!POLICY_TYPES.includes(type)) errs.add(fieldErrors.notSupported(SPEC.child('policyTypes').index(i).toString(), type, POLICY_TYPES));
  });
}

export function validateNetworkPolicy(errs: Errs, obj: Rec): void {
  validateObjectMeta(errs, obj, NAMESPACED_NETWORKING_META);
  validateNetworkPolicySpec(errs, obj);
}

export function validateNetworkPolicyUpdate(errs: Errs, obj: Rec): void {
  validateNetworkPolicySpec(errs, obj);
}

// --- ServiceCIDR and IPAddress -----------------------------------------------------------------

export function validateServiceCIDR(errs: Errs, obj: Rec): void {
  validateObjectMeta(errs, obj, CLUSTER_NETWORKING_META);
  const spec = rec(errs, obj, 'spec', ROOT) ?? {};
  const path = SPEC.child('cidrs');
  const cidrs = strList(errs, spec, 'cidrs', SPEC);
  const shownSpec = new GoValue(`networking.ServiceCIDRSpec{CIDRs:[]string{${cidrs.map((c) => JSON.stringify(c)).join(', ')}}}`);
  if (cidrs.length === 0) {
    errs.add(fieldErrors.required(path.toString(), 'at least one CIDR required'));
    return;
  }
  if (cidrs.length > 2) {
    errs.invalid(path, shownSpec, ['may only hold up to 2 values']);
    return;
  }
  if (cidrs.length === 2) {
    const [a, b] = cidrs.map(cidrParts);
    if (!a || !b || a.v4 === b.v4) {
      errs.invalid(path, shownSpec, ['may specify no more than one IP for each IP family, i.e 192.168.0.0/24 and 2001:db8::/64']);
      return;
    }
  }
  cidrs.forEach((cidr, i) => validateCIDR(errs, path.index(i), cidr));
}

export function validateServiceCIDRUpdate(errs: Errs, obj: Rec, old: Rec): void {
  validateImmutable(errs, (obj.spec as Rec | undefined)?.cidrs, (old.spec as Rec | undefined)?.cidrs, SPEC.child('cidrs'));
}

/** An IPAddress is named by the address it reserves, in its canonical form. */
function ipAddressNameRule(name: string): string[] {
  return parseIP(name) ? [] : ['must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'];
}

export function validateIPAddress(errs: Errs, obj: Rec): void {
  validateObjectMeta(errs, obj, { nameRule: ipAddressNameRule, namespaced: false, kubeFinalizers: true });
  const spec = rec(errs, obj, 'spec', ROOT);
  const ref = rec(errs, spec, 'parentRef', SPEC);
  if (!ref) {
    errs.add(fieldErrors.required('spec.parentRef', ''));
    return;
  }
  const p = SPEC.child('parentRef');
  const group = str(errs, ref, 'group', p);
  if (group !== '') errs.invalid(p.child('group'), group, isDNS1123Subdomain(group));
  for (const key of ['resource', 'name']) {
    const value = str(errs, ref, key, p);
    if (value === '') errs.add(fieldErrors.required(p.child(key).toString(), ''));
    else errs.invalid(p.child(key), value, isValidPathSegmentName(value));
  }
  const namespace = str(errs, ref, 'namespace', p);
  if (namespace !== '') errs.invalid(p.child('namespace'), namespace, isValidPathSegmentName(namespace));
}

export function validateIPAddressUpdate(errs: Errs, obj: Rec, old: Rec): void {
  validateImmutable(errs, (obj.spec as Rec | undefined)?.parentRef, (old.spec as Rec | undefined)?.parentRef, SPEC.child('parentRef'));
}
