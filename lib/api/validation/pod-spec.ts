// PodSpec validation shared by Pods and the pod templates of workloads
// (ValidatePodSpec / ValidatePodTemplateSpec in Kubernetes).
import { type FieldPath, fieldErrors } from '../field-errors.js';
import {
  type PodContext,
  validateContainers,
  validateEphemeralContainers,
  validateImageWhitespace,
  validateInitContainers,
} from './container.js';
import { validateIP } from './ip.js';
import { type Errs, type Rec, asRec, optInt, optStr, rec, recList, str, strList, strMap } from './json.js';
import { validateAnnotations, validateLabels } from './meta.js';
import {
  byteLength,
  edgedRun,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  nameIsDNSSubdomain,
} from '../names.js';
import { readQuantity, validateContainerResourceName, validateResourceQuantityValue } from './resources.js';
import { validateAffinity, validateTolerations, validateTopologySpreadConstraints } from './scheduling.js';
import { validatePodSecurityContext } from './security.js';
import { validateVolumes } from './volumes.js';

export interface PodSpecOptions {
  /** The spec belongs to a Pod (not a template): host ports must equal container ports with hostNetwork. */
  resourceIsPod: boolean;
}

const MAX_INT32 = 2147483647;

function validateDNSConfig(errs: Errs, spec: Rec, dnsPolicy: string, specPath: FieldPath): void {
  const config = rec(errs, spec, 'dnsConfig', specPath);
  const path = specPath.child('dnsConfig');
  if (dnsPolicy === 'None') {
    if (!config) {
      errs.add(fieldErrors.required(path.toString(), 'must provide `dnsConfig` when `dnsPolicy` is None'));
      return;
    }
    if (strList(errs, config, 'nameservers', path).length === 0) {
      errs.add(fieldErrors.required(path.child('nameservers').toString(), 'must provide at least one DNS nameserver when `dnsPolicy` is None'));
      return;
    }
  }
  if (!config) return;
  const nameservers = strList(errs, config, 'nameservers', path);
  if (nameservers.length > 3) errs.invalid(path.child('nameservers'), nameservers, ['must not have more than 3 nameservers']);
  nameservers.forEach((ns, i) => validateIP(errs, path.child('nameservers').index(i), ns));
  const searches = strList(errs, config, 'searches', path);
  if (searches.length > 32) errs.invalid(path.child('searches'), searches, ['must not have more than 32 search paths']);
  if (byteLength(searches.join(' ')) > 2048) {
    errs.invalid(path.child('searches'), searches, ['must not have more than 2048 characters (including spaces) in the search list']);
  }
  searches.forEach((s, i) => {
    if (s === '.') return;
    const trimmed = s.endsWith('.') ? s.slice(0, -1) : s;
    errs.invalid(path.child('searches').index(i), trimmed, isSubdomainWithUnderscore(trimmed));
  });
  recList(errs, config, 'options', path).forEach((o, i) => {
    if (str(errs, o, 'name', path) === '') errs.add(fieldErrors.required(path.child('options').index(i).toString(), 'must not be empty'));
  });
}

const SUBDOMAIN_UNDERSCORE_FMT = '_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?(\\._?[a-z0-9]([-_a-z0-9]*[a-z0-9])?)*';
/** DNS search domains may contain '_' (Kubernetes 1.32+). */
function isSubdomainWithUnderscore(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 253) errs.push('must be no more than 253 characters');
  const labelOk = (l: string): boolean => edgedRun(l.startsWith('_') ? l.slice(1) : l, /^[-_a-z0-9]*$/, /[a-z0-9]/);
  if (!value.split('.').every(labelOk)) {
    errs.push(
      `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '_', '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '${SUBDOMAIN_UNDERSCORE_FMT}')`,
    );
  }
  return errs;
}

function validateHostNetworkPorts(errs: Errs, spec: Rec, containers: Rec[], path: FieldPath, opts: PodSpecOptions): void {
  if (spec.hostNetwork !== true) return;
  containers.forEach((ctr, i) => {
    const ports = Array.isArray(ctr.ports) ? ctr.ports : [];
    ports.forEach((raw: unknown, j) => {
      const port = asRec(raw) ?? {};
      const hp = typeof port.hostPort === 'number' ? port.hostPort : 0;
      const cp = typeof port.containerPort === 'number' ? port.containerPort : 0;
      if ((opts.resourceIsPod || hp !== 0) && hp !== cp) {
        errs.invalid(path.child('containers').index(i).child('ports').index(j).child('hostPort'), hp, ['must match `containerPort` when `hostNetwork` is true']);
      }
    });
  });
}

function validateResourceClaims(errs: Errs, claims: Rec[], path: FieldPath): Set<string> {
  const names = new Set<string>();
  claims.forEach((claim, i) => {
    const p = path.index(i);
    const name = str(errs, claim, 'name', p);
    if (name === '') errs.add(fieldErrors.required(p.child('name').toString(), ''));
    else if (names.has(name)) errs.add(fieldErrors.duplicate(p.child('name').toString(), name));
    else {
      errs.invalid(p.child('name'), name, isDNS1123Label(name));
      names.add(name);
    }
    const claimName = optStr(errs, claim, 'resourceClaimName', p);
    const templateName = optStr(errs, claim, 'resourceClaimTemplateName', p);
    if (claimName !== undefined && templateName !== undefined) {
      errs.invalid(p, claim, ['at most one of `resourceClaimName` or `resourceClaimTemplateName` may be specified']);
    }
    if (claimName === undefined && templateName === undefined) {
      errs.invalid(p, claim, ['must specify one of: `resourceClaimName`, `resourceClaimTemplateName`']);
    }
    if (claimName !== undefined) errs.invalid(p.child('resourceClaimName'), claimName, nameIsDNSSubdomain(claimName, false));
    if (templateName !== undefined) errs.invalid(p.child('resourceClaimTemplateName'), templateName, nameIsDNSSubdomain(templateName, false));
  });
  return names;
}

const WINDOWS_POD_FORBIDDEN = ['appArmorProfile', 'seLinuxOptions', 'seccompProfile', 'fsGroup', 'fsGroupChangePolicy', 'sysctls', 'runAsUser', 'runAsGroup', 'supplementalGroups', 'supplementalGroupsPolicy', 'seLinuxChangePolicy'];
const WINDOWS_CONTAINER_FORBIDDEN = ['appArmorProfile', 'seLinuxOptions', 'seccompProfile', 'capabilities', 'readOnlyRootFilesystem', 'privileged', 'allowPrivilegeEscalation', 'procMount', 'runAsUser', 'runAsGroup'];

function allContainers(spec: Rec, path: FieldPath): [Rec, FieldPath][] {
  const out: [Rec, FieldPath][] = [];
  for (const key of ['initContainers', 'containers', 'ephemeralContainers']) {
    const list = Array.isArray(spec[key]) ? (spec[key] as unknown[]) : [];
    list.forEach((c, i) => {
      const r = asRec(c);
      if (r) out.push([r, path.child(key).index(i)]);
    });
  }
  return out;
}

function validateOS(errs: Errs, spec: Rec, path: FieldPath): void {
  const os = rec(errs, spec, 'os', path);
  if (!os) return;
  const name = str(errs, os, 'name', path.child('os'));
  if (name === '') {
    errs.add(fieldErrors.required(path.child('os').child('name').toString(), 'cannot be empty'));
    return;
  }
  if (name !== 'linux' && name !== 'windows') {
    errs.add(fieldErrors.notSupported(path.child('os').toString(), name, ['linux', 'windows']));
    return;
  }
  const sc = asRec(spec.securityContext);
  if (name === 'linux') {
    if (sc?.windowsOptions) errs.add(fieldErrors.forbidden(path.child('securityContext').child('windowsOptions').toString(), 'windows options cannot be set for a linux pod'));
    for (const [c, cp] of allContainers(spec, path)) {
      if (asRec(c.securityContext)?.windowsOptions) {
        errs.add(fieldErrors.forbidden(cp.child('securityContext').child('windowsOptions').toString(), 'windows options cannot be set for a linux pod'));
      }
    }
    return;
  }
  const cannot = 'cannot be set for a windows pod';
  if (sc) {
    for (const key of WINDOWS_POD_FORBIDDEN) {
      if (sc[key] !== undefined && sc[key] !== null) errs.add(fieldErrors.forbidden(path.child('securityContext').child(key).toString(), cannot));
    }
  }
  for (const key of ['hostUsers', 'shareProcessNamespace']) {
    if (spec[key] !== undefined && spec[key] !== null) errs.add(fieldErrors.forbidden(path.child(key).toString(), cannot));
  }
  for (const key of ['hostPID', 'hostIPC']) if (spec[key] === true) errs.add(fieldErrors.forbidden(path.child(key).toString(), cannot));
  for (const [c, cp] of allContainers(spec, path)) {
    const csc = asRec(c.securityContext);
    if (!csc) continue;
    for (const key of WINDOWS_CONTAINER_FORBIDDEN) {
      if (csc[key] !== undefined && csc[key] !== null) errs.add(fieldErrors.forbidden(cp.child('securityContext').child(key).toString(), cannot));
    }
  }
}

/** ValidatePodSpec: the spec of a Pod or of a workload's pod template. */
export function validatePodSpec(errs: Errs, spec: Rec, path: FieldPath, opts: PodSpecOptions): void {
  const gracePeriod = optInt(errs, spec, 'terminationGracePeriodSeconds', path);
  if (gracePeriod === undefined) errs.add(fieldErrors.required(path.child('terminationGracePeriodSeconds').toString(), ''));
  const hostUsers = spec.hostUsers !== false;
  const volumes = validateVolumes(errs, recList(errs, spec, 'volumes', path), path.child('volumes'));
  const podClaimNames = validateResourceClaims(errs, recList(errs, spec, 'resourceClaims', path), path.child('resourceClaims'));
  const restartPolicy = str(errs, spec, 'restartPolicy', path);
  const ctx: PodContext = { volumes, podClaimNames, gracePeriod, restartPolicy, hostUsers };
  const containers = recList(errs, spec, 'containers', path);
  const inits = recList(errs, spec, 'initContainers', path);
  validateContainers(errs, containers, ctx, path.child('containers'));
  validateInitContainers(errs, inits, containers, ctx, path.child('initContainers'));
  validateEphemeralContainers(errs, recList(errs, spec, 'ephemeralContainers', path), [...containers, ...inits], ctx, path.child('ephemeralContainers'));
  validateHostNetworkPorts(errs, spec, containers, path, opts);

  if (restartPolicy === '') errs.add(fieldErrors.required(path.child('restartPolicy').toString(), ''));
  else if (!['Always', 'OnFailure', 'Never'].includes(restartPolicy)) {
    errs.add(fieldErrors.notSupported(path.child('restartPolicy').toString(), restartPolicy, ['Always', 'OnFailure', 'Never']));
  }
  const dnsPolicy = str(errs, spec, 'dnsPolicy', path);
  if (dnsPolicy === '') errs.add(fieldErrors.required(path.child('dnsPolicy').toString(), ''));
  else if (!['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'].includes(dnsPolicy)) {
    errs.add(fieldErrors.notSupported(path.child('dnsPolicy').toString(), dnsPolicy, ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None']));
  }
  validateLabels(errs, strMap(errs, spec, 'nodeSelector', path), path.child('nodeSelector'));
  validatePodSecurityContext(errs, spec, path);
  recList(errs, spec, 'imagePullSecrets', path).forEach((ref, i) => {
    if (Object.keys(ref).some((k) => k !== 'name')) errs.invalid(path.child('imagePullSecrets').index(i), ref, ['only name may be set']);
  });
  validateAffinity(errs, rec(errs, spec, 'affinity', path), path.child('affinity'));
  validateDNSConfig(errs, spec, dnsPolicy, path);
  recList(errs, spec, 'readinessGates', path).forEach((g, i) => {
    const p = path.child('readinessGates').index(i).child('conditionType');
    const type = str(errs, g, 'conditionType', p);
    errs.invalid(p, type, isQualifiedName(type));
  });
  const gates = new Set<string>();
  recList(errs, spec, 'schedulingGates', path).forEach((g, i) => {
    const p = path.child('schedulingGates').index(i);
    const name = str(errs, g, 'name', p);
    errs.invalid(p, name, isQualifiedName(name));
    if (gates.has(name)) errs.add(fieldErrors.duplicate(p.toString(), name));
    gates.add(name);
  });
  validateTopologySpreadConstraints(errs, recList(errs, spec, 'topologySpreadConstraints', path), path.child('topologySpreadConstraints'));
  if (!hostUsers) {
    if (spec.hostNetwork === true) errs.add(fieldErrors.forbidden(path.child('hostNetwork').toString(), 'when `pod.Spec.HostUsers` is false'));
    if (spec.hostPID === true) errs.add(fieldErrors.forbidden(path.child('HostPID').toString(), 'when `pod.Spec.HostUsers` is false'));
    if (spec.hostIPC === true) errs.add(fieldErrors.forbidden(path.child('HostIPC').toString(), 'when `pod.Spec.HostUsers` is false'));
  }
  const serviceAccountName = str(errs, spec, 'serviceAccountName', path);
  if (serviceAccountName !== '') errs.invalid(path.child('serviceAccountName'), serviceAccountName, nameIsDNSSubdomain(serviceAccountName, false));
  const nodeName = str(errs, spec, 'nodeName', path);
  if (nodeName !== '') errs.invalid(path.child('nodeName'), nodeName, nameIsDNSSubdomain(nodeName, false));
  const deadline = optInt(errs, spec, 'activeDeadlineSeconds', path);
  if (deadline !== undefined && (deadline < 1 || deadline > MAX_INT32)) {
    errs.invalid(path.child('activeDeadlineSeconds'), deadline, [`must be between 1 and ${MAX_INT32}, inclusive`]);
  }
  for (const key of ['hostname', 'subdomain']) {
    const v = str(errs, spec, key, path);
    if (v !== '') errs.invalid(path.child(key), v, isDNS1123Label(v));
  }
  validateTolerations(errs, recList(errs, spec, 'tolerations', path), path.child('tolerations'));
  recList(errs, spec, 'hostAliases', path).forEach((alias, i) => {
    const p = path.child('hostAliases').index(i);
    validateIP(errs, p.child('ip'), str(errs, alias, 'ip', p));
    strList(errs, alias, 'hostnames', p).forEach((h, j) => errs.invalid(p.child('hostnames').index(j), h, isDNS1123Subdomain(h)));
  });
  const priorityClassName = str(errs, spec, 'priorityClassName', path);
  if (priorityClassName !== '') errs.invalid(path.child('priorityClassName'), priorityClassName, nameIsDNSSubdomain(priorityClassName, false));
  const runtimeClassName = optStr(errs, spec, 'runtimeClassName', path);
  if (runtimeClassName !== undefined) errs.invalid(path.child('runtimeClassName'), runtimeClassName, nameIsDNSSubdomain(runtimeClassName, false));
  const preemptionPolicy = optStr(errs, spec, 'preemptionPolicy', path);
  if (preemptionPolicy !== undefined) {
    if (preemptionPolicy === '') errs.add(fieldErrors.required(path.child('preemptionPolicy').toString(), ''));
    else if (preemptionPolicy !== 'PreemptLowerPriority' && preemptionPolicy !== 'Never') {
      errs.add(fieldErrors.notSupported(path.child('preemptionPolicy').toString(), preemptionPolicy, ['PreemptLowerPriority', 'Never']));
    }
  }
  const overhead = rec(errs, spec, 'overhead', path);
  for (const [name, value] of Object.entries(overhead ?? {})) {
    const p = path.child('overhead').child('limits').key(name);
    validateContainerResourceName(errs, name, p);
    const q = readQuantity(errs, value, p);
    if (q) validateResourceQuantityValue(errs, name, q, p);
  }
  validateOS(errs, spec, path);
}

const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';
const DELETION_COST_ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';
const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';
const APPARMOR_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

function validateSeccompAnnotationValue(errs: Errs, value: string, path: FieldPath): void {
  if (value === 'runtime/default' || value === 'docker/default' || value === 'unconfined') return;
  if (value.startsWith('localhost/')) {
    const target = value.slice('localhost/'.length);
    if (target.startsWith('/')) errs.invalid(path, target, ['must be a relative path']);
    if (target.split('/').includes('..')) errs.invalid(path, target, ["must not contain '..'"]);
    return;
  }
  errs.invalid(path, value, ['must be a valid seccomp profile']);
}

/** Annotations with a meaning for pods: mirror pods, deletion cost, seccomp and AppArmor profiles. */
export function validatePodSpecificAnnotations(errs: Errs, annotations: Record<string, string> | undefined, spec: Rec, path: FieldPath): void {
  if (!annotations) return;
  if (Object.hasOwn(annotations, MIRROR_POD_ANNOTATION) && !spec.nodeName) {
    errs.invalid(path.key(MIRROR_POD_ANNOTATION), annotations[MIRROR_POD_ANNOTATION], ['must set spec.nodeName if mirror pod annotation is set']);
  }
  if (Object.hasOwn(annotations, DELETION_COST_ANNOTATION)) {
    const cost = annotations[DELETION_COST_ANNOTATION]!;
    const n = Number(cost);
    if (!/^[+-]?[0-9]+$/.test(cost) || n < -2147483648 || n > MAX_INT32) {
      errs.invalid(path.key(DELETION_COST_ANNOTATION), cost, ['must be a 32bit integer']);
    }
  }
  if (Object.hasOwn(annotations, SECCOMP_POD_ANNOTATION)) validateSeccompAnnotationValue(errs, annotations[SECCOMP_POD_ANNOTATION]!, path.child(SECCOMP_POD_ANNOTATION));
  const containerNames = new Set(allContainers(spec, path).map(([c]) => c.name));
  for (const [key, value] of Object.entries(annotations)) {
    if (key.startsWith(SECCOMP_CONTAINER_PREFIX)) validateSeccompAnnotationValue(errs, value, path.child(key));
    if (key.startsWith(APPARMOR_PREFIX)) {
      const container = key.slice(APPARMOR_PREFIX.length);
      if (!containerNames.has(container)) errs.invalid(path.key(key), container, ['container not found']);
      if (value !== '' && value !== 'runtime/default' && value !== 'unconfined' && !value.startsWith('localhost/')) {
        errs.invalid(path.key(key), value, [`invalid AppArmor profile name: ${JSON.stringify(value)}`]);
      }
    }
  }
}

/**
 * ValidatePodTemplateSpec: labels, annotations and spec of an embedded template. Kubernetes
 * reports template label and annotation problems at template.labels, without "metadata".
 */
export function validatePodTemplateSpec(errs: Errs, template: Rec, path: FieldPath): void {
  const meta = rec(errs, template, 'metadata', path);
  const metaPath = path.child('metadata');
  validateLabels(errs, strMap(errs, meta, 'labels', metaPath), path.child('labels'));
  const annotations = strMap(errs, meta, 'annotations', metaPath);
  validateAnnotations(errs, annotations, path.child('annotations'));
  const spec = rec(errs, template, 'spec', path) ?? {};
  validatePodSpecificAnnotations(errs, annotations, spec, path.child('annotations'));
  validatePodSpec(errs, spec, path.child('spec'), { resourceIsPod: false });
  if (Array.isArray(spec.ephemeralContainers) && spec.ephemeralContainers.length > 0) {
    errs.add(fieldErrors.forbidden(path.child('spec').child('ephemeralContainers').toString(), 'ephemeral containers not allowed in pod template'));
  }
}

export { validateImageWhitespace };
