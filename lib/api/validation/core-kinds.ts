// The smaller core/v1 kinds: Namespace, Node, Endpoints, ConfigMap, Secret, ServiceAccount, Event.
import { FieldPath, fieldErrors } from '../field-errors.js';
import { PORT_PROTOCOLS } from './container.js';
import { GoValue } from './go-format.js';
import { isDualStack, validateCIDR, validateIP, validateNonSpecialIP } from './ip.js';
import { Errs, type Rec, asRec, optBool, optStr, rec, recList, scalarText, str, strList, strMap } from './json.js';
import { type MetaRules, validateImmutable, validateKubeFinalizerName } from './meta.js';
import {
  byteLength,
  isConfigMapKey,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidPortNum,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
} from '../names.js';
import { validateResourceListValues } from './resources.js';
import { validateTaints } from './scheduling.js';
import { semanticEqual } from './equality.js';

export const NAMESPACE_META: MetaRules = { nameRule: nameIsDNSLabel, namespaced: false, kubeFinalizers: true };
export const NODE_META: MetaRules = { nameRule: nameIsDNSSubdomain, namespaced: false, kubeFinalizers: true };
export const NAMESPACED_SUBDOMAIN_META: MetaRules = { nameRule: nameIsDNSSubdomain, namespaced: true, kubeFinalizers: true };

/** ConfigMaps and Secrets hold at most 1 MiB of data. */
export const MAX_SECRET_SIZE = 1024 * 1024;
const ROOT = FieldPath.root();

export function validateNamespaceSpec(errs: Errs, obj: Rec): void {
  const path = FieldPath.root('spec').child('finalizers');
  for (const f of strList(errs, rec(errs, obj, 'spec', ROOT), 'finalizers', FieldPath.root('spec'))) {
    errs.invalid(path, f, isQualifiedName(f));
    validateKubeFinalizerName(errs, f, path);
  }
}

export function validateNamespaceStatus(errs: Errs, obj: Rec): void {
  const phase = str(errs, rec(errs, obj, 'status', ROOT), 'phase', FieldPath.root('status'));
  const deleting = Boolean(asRec(obj.metadata)?.deletionTimestamp);
  const path = FieldPath.root('status').child('Phase');
  if (!deleting && phase !== 'Active') errs.invalid(path, phase, ["may only be 'Active' if `deletionTimestamp` is empty"]);
  if (deleting && phase !== 'Terminating') errs.invalid(path, phase, ["may only be 'Terminating' if `deletionTimestamp` is not empty"]);
}

function validatePodCIDRs(errs: Errs, cidrs: string[]): void {
  const path = FieldPath.root('spec').child('podCIDRs');
  cidrs.forEach((c, i) => validateCIDR(errs, path.index(i), c));
  if (cidrs.length <= 1) return;
  if (!isDualStack(cidrs.map((c) => c.split('/')[0]!)) || cidrs.length > 2) {
    errs.invalid(path, new GoValue(`[]string{${cidrs.map((c) => JSON.stringify(c)).join(', ')}}`), ['may specify no more than one CIDR for each IP family']);
  }
  const seen = new Set<string>();
  cidrs.forEach((c, i) => {
    if (seen.has(c)) errs.add(fieldErrors.duplicate(path.index(i).toString(), c));
    seen.add(c);
  });
}

function validateNodeResources(errs: Errs, obj: Rec): void {
  const status = asRec(obj.status);
  validateResourceListValues(errs, status, 'capacity', FieldPath.root('status'));
  validateResourceListValues(errs, status, 'allocatable', FieldPath.root('status'));
}

export function validateNodeSpec(errs: Errs, obj: Rec): void {
  const spec = rec(errs, obj, 'spec', ROOT);
  // Kubernetes reports node taints under metadata.taints.
  validateTaints(errs, recList(errs, spec, 'taints', FieldPath.root('spec')), FieldPath.root('metadata').child('taints'));
  validateNodeResources(errs, obj);
  validatePodCIDRs(errs, strList(errs, spec, 'podCIDRs', FieldPath.root('spec')));
}

export function validateNodeUpdateRules(errs: Errs, obj: Rec, old: Rec): void {
  validateNodeResources(errs, obj);
  const quiet = new Errs();
  const addresses = recList(errs, asRec(obj.status), 'addresses', FieldPath.root('status'));
  const seen = new Set<string>();
  addresses.forEach((a, i) => {
    const key = `${scalarText(a.type)}/${scalarText(a.address)}`;
    if (seen.has(key)) {
      errs.add(fieldErrors.duplicate(FieldPath.root('status').child('addresses').index(i).toString(), new GoValue(`core.NodeAddress{Type:${JSON.stringify(scalarText(a.type))}, Address:${JSON.stringify(scalarText(a.address))}}`)));
    }
    seen.add(key);
  });
  const spec = asRec(obj.spec) ?? {};
  const oldSpec = asRec(old.spec) ?? {};
  const cidrs = strList(quiet, spec, 'podCIDRs', ROOT);
  const oldCidrs = strList(quiet, oldSpec, 'podCIDRs', ROOT);
  const cidrMessage = 'node updates may not change podCIDR except from "" to valid';
  if (oldCidrs.length > 0) {
    if (oldCidrs.length !== cidrs.length) errs.add(fieldErrors.forbidden('spec.podCIDRs', cidrMessage));
    else oldCidrs.forEach((c, i) => c !== cidrs[i] && errs.add(fieldErrors.forbidden('spec.podCIDRs', cidrMessage)));
  }
  const providerID = str(quiet, oldSpec, 'providerID', ROOT);
  if (providerID !== '' && providerID !== str(quiet, spec, 'providerID', ROOT)) {
    errs.add(fieldErrors.forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
  }
  validateTaints(errs, recList(errs, spec, 'taints', FieldPath.root('spec')), FieldPath.root('metadata').child('taints'));
  if (str(quiet, spec, 'externalID', ROOT) !== str(quiet, oldSpec, 'externalID', ROOT)) errs.add(fieldErrors.forbidden('spec.externalID', 'may not be updated'));
}

function validateEndpointAddress(errs: Errs, address: Rec, path: FieldPath): void {
  const ip = str(errs, address, 'ip', path);
  validateIP(errs, path.child('ip'), ip);
  const hostname = str(errs, address, 'hostname', path);
  if (hostname !== '') errs.invalid(path.child('hostname'), hostname, isDNS1123Label(hostname));
  const nodeName = optStr(errs, address, 'nodeName', path);
  if (nodeName !== undefined) errs.invalid(path.child('nodeName'), nodeName, nameIsDNSSubdomain(nodeName, false));
  validateNonSpecialIP(errs, path.child('ip'), ip);
}

export function validateEndpointPort(errs: Errs, port: Rec, requireName: boolean, path: FieldPath): void {
  const name = str(errs, port, 'name', path);
  if (requireName && name === '') errs.add(fieldErrors.required(path.child('name').toString(), ''));
  else if (name !== '') errs.invalid(path.child('name'), name, isDNS1123Label(name));
  const number = typeof port.port === 'number' ? port.port : 0;
  errs.invalid(path.child('port'), number, isValidPortNum(number));
  const protocol = str(errs, port, 'protocol', path);
  if (protocol === '') errs.add(fieldErrors.required(path.child('protocol').toString(), ''));
  else if (!PORT_PROTOCOLS.includes(protocol)) errs.add(fieldErrors.notSupported(path.child('protocol').toString(), protocol, PORT_PROTOCOLS));
  const appProtocol = optStr(errs, port, 'appProtocol', path);
  if (appProtocol !== undefined) errs.invalid(path.child('appProtocol'), appProtocol, isQualifiedName(appProtocol));
}

export function validateEndpointsSubsets(errs: Errs, obj: Rec): void {
  recList(errs, obj, 'subsets', ROOT).forEach((ss, i) => {
    const p = FieldPath.root('subsets').index(i);
    const addresses = recList(errs, ss, 'addresses', p);
    const notReady = recList(errs, ss, 'notReadyAddresses', p);
    if (addresses.length === 0 && notReady.length === 0) errs.add(fieldErrors.required(p.toString(), 'must specify `addresses` or `notReadyAddresses`'));
    addresses.forEach((a, j) => validateEndpointAddress(errs, a, p.child('addresses').index(j)));
    notReady.forEach((a, j) => validateEndpointAddress(errs, a, p.child('notReadyAddresses').index(j)));
    const ports = recList(errs, ss, 'ports', p);
    ports.forEach((port, j) => validateEndpointPort(errs, port, ports.length > 1, p.child('ports').index(j)));
  });
}

/** Decodes base64 data values; returns the byte lengths and reports values that are not base64. */
function decodeData(errs: Errs, data: Record<string, string> | undefined, path: FieldPath): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const [key, value] of Object.entries(data ?? {})) {
    if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(value)) {
      errs.invalid(path.key(key), '<secret contents redacted>', ['illegal base64 data']);
      continue;
    }
    out.set(key, Buffer.from(value, 'base64'));
  }
  return out;
}

export function validateConfigMapData(errs: Errs, obj: Rec): void {
  const data = strMap(errs, obj, 'data', ROOT) ?? {};
  const binary = decodeData(errs, strMap(errs, obj, 'binaryData', ROOT), FieldPath.root('binaryData'));
  let total = 0;
  for (const [key, value] of Object.entries(data)) {
    const p = FieldPath.root('data').key(key);
    errs.invalid(p, key, isConfigMapKey(key));
    if (binary.has(key)) errs.invalid(p, key, ['duplicate of key present in binaryData']);
    total += byteLength(value);
  }
  for (const [key, value] of binary) {
    errs.invalid(FieldPath.root('binaryData').key(key), key, isConfigMapKey(key));
    total += value.length;
  }
  if (total > MAX_SECRET_SIZE) errs.add(fieldErrors.tooLong('', MAX_SECRET_SIZE));
}

/** The message Go's encoding/json gives when a docker config is not a JSON object. */
function jsonObjectError(bytes: Buffer): string | undefined {
  const text = bytes.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    if (text.trim() === '') return 'unexpected end of JSON input';
    return error instanceof Error ? error.message : String(error);
  }
  if (parsed === null || (typeof parsed === 'object' && !Array.isArray(parsed))) return undefined;
  const kind = Array.isArray(parsed) ? 'array' : typeof parsed === 'boolean' ? 'bool' : typeof parsed;
  return `json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`;
}

export function validateSecretData(errs: Errs, obj: Rec): void {
  const dataPath = FieldPath.root('data');
  const data = decodeData(errs, strMap(errs, obj, 'data', ROOT), dataPath);
  let total = 0;
  for (const [key, value] of data) {
    errs.invalid(dataPath.key(key), key, isConfigMapKey(key));
    total += value.length;
  }
  if (total > MAX_SECRET_SIZE) errs.add(fieldErrors.tooLong(dataPath.toString(), MAX_SECRET_SIZE));
  const type = str(errs, obj, 'type', ROOT);
  const annotations = strMap(new Errs(), asRec(obj.metadata), 'annotations', FieldPath.root('metadata')) ?? {};
  const required = (key: string): void => errs.add(fieldErrors.required(dataPath.key(key).toString(), ''));
  switch (type) {
    case 'kubernetes.io/service-account-token':
      if (!annotations['kubernetes.io/service-account.name']) {
        errs.add(fieldErrors.required(FieldPath.root('metadata').child('annotations').key('kubernetes.io/service-account.name').toString(), ''));
      }
      break;
    case 'kubernetes.io/dockercfg':
    case 'kubernetes.io/dockerconfigjson': {
      const key = type === 'kubernetes.io/dockercfg' ? '.dockercfg' : '.dockerconfigjson';
      const bytes = data.get(key);
      if (!bytes) {
        required(key);
        break;
      }
      const problem = jsonObjectError(bytes);
      if (problem) errs.invalid(dataPath.key(key), '<secret contents redacted>', [problem]);
      break;
    }
    case 'kubernetes.io/basic-auth':
      if (!data.has('username') && !data.has('password')) {
        required('username');
        required('password');
      }
      break;
    case 'kubernetes.io/ssh-auth':
      if ((data.get('ssh-privatekey')?.length ?? 0) === 0) required('ssh-privatekey');
      break;
    case 'kubernetes.io/tls':
      if (!data.has('tls.crt')) required('tls.crt');
      if (!data.has('tls.key')) required('tls.key');
      break;
    default:
  }
}

/** ConfigMaps and Secrets marked immutable keep their data (and the mark) for good. */
export function validateImmutableData(errs: Errs, obj: Rec, old: Rec, keys: string[]): void {
  if (optBool(new Errs(), old, 'immutable', ROOT) !== true) return;
  if (optBool(new Errs(), obj, 'immutable', ROOT) !== true) errs.add(fieldErrors.forbidden('immutable', 'field is immutable when `immutable` is set'));
  for (const key of keys) {
    if (!semanticEqual(obj[key], old[key])) errs.add(fieldErrors.forbidden(key, 'field is immutable when `immutable` is set'));
  }
}

export function validateSecretUpdateRules(errs: Errs, obj: Rec, old: Rec): void {
  validateImmutable(errs, str(new Errs(), obj, 'type', ROOT), str(new Errs(), old, 'type', ROOT), FieldPath.root('type'));
  validateImmutableData(errs, obj, old, ['data']);
}

export function hasTime(value: unknown): boolean {
  return typeof value === 'string' && value !== '' && value !== '0001-01-01T00:00:00Z';
}

/** core/v1 Events keep their legacy rules: namespaces must agree, and new-style events name their reporter. */
export function validateEvent(errs: Errs, obj: Rec): void {
  const namespace = str(errs, asRec(obj.metadata), 'namespace', FieldPath.root('metadata'));
  const involved = rec(errs, obj, 'involvedObject', ROOT);
  const involvedNamespace = str(errs, involved, 'namespace', FieldPath.root('involvedObject'));
  const nsPath = FieldPath.root('involvedObject').child('namespace');
  const limit = (key: string, max: number): void => {
    const v = str(errs, obj, key, ROOT);
    if (byteLength(v) > max) errs.invalid(FieldPath.root(key), '', [`can have at most ${max} characters`]);
  };
  if (!hasTime(obj.eventTime)) {
    if (involvedNamespace === '') {
      if (namespace !== '' && namespace !== 'default') errs.invalid(nsPath, involvedNamespace, ['does not match event.namespace']);
    } else if (namespace !== involvedNamespace) {
      errs.invalid(nsPath, involvedNamespace, ['does not match event.namespace']);
    }
  } else {
    if (involvedNamespace === '' && namespace !== 'default' && namespace !== 'kube-system') errs.invalid(nsPath, involvedNamespace, ['does not match event.namespace']);
    const controller = str(errs, obj, 'reportingComponent', ROOT);
    if (controller === '') errs.add(fieldErrors.required('reportingController', ''));
    errs.invalid(FieldPath.root('reportingController'), controller, isQualifiedName(controller));
    for (const [key, max] of [
      ['reportingInstance', 128],
      ['action', 128],
      ['reason', 128],
    ] as const) {
      if (str(errs, obj, key, ROOT) === '') errs.add(fieldErrors.required(key, ''));
      limit(key, max);
    }
    limit('message', 1024);
  }
  errs.invalid(FieldPath.root('namespace'), namespace, isDNS1123Subdomain(namespace));
}
