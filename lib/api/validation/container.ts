// Containers of a pod spec: names, images, ports, environment, mounts, probes, lifecycle
// hooks and the differences between regular, init and ephemeral containers.
import { FieldPath, fieldErrors } from '../field-errors.js';
import { Errs, type Rec, asRec, int, intOrString, optInt, optStr, rec, recList, scalarText, str, strList } from './json.js';
import {
  isConfigMapKey,
  isDNS1123Label,
  isHTTPHeaderName,
  isQualifiedName,
  isValidPortName,
  isValidPortNum,
  nameIsDNSSubdomain,
} from '../names.js';
import { validateLocalDescendingPath } from './paths.js';
import { validateResourceRequirements } from './resources.js';
import { validateContainerSecurityContext } from './security.js';
import { tryParseQuantity, formatQuantity } from './quantity.js';

export const PORT_PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

export interface PodContext {
  /** Volumes that passed validation, by name. */
  volumes: Map<string, Rec>;
  podClaimNames: Set<string>;
  gracePeriod: number | undefined;
  restartPolicy: string;
  hostUsers: boolean;
}

function validateContainerPorts(errs: Errs, ports: Rec[], path: FieldPath): void {
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const p = path.index(i);
    const name = str(errs, port, 'name', p);
    if (name !== '') {
      const msgs = isValidPortName(name);
      if (msgs.length > 0) errs.invalid(p.child('name'), name, msgs);
      else if (names.has(name)) errs.add(fieldErrors.duplicate(p.child('name').toString(), name));
      else names.add(name);
    }
    const containerPort = int(errs, port, 'containerPort', p);
    if (containerPort === 0) errs.add(fieldErrors.required(p.child('containerPort').toString(), ''));
    else errs.invalid(p.child('containerPort'), containerPort, isValidPortNum(containerPort));
    const hostPort = int(errs, port, 'hostPort', p);
    if (hostPort !== 0) errs.invalid(p.child('hostPort'), hostPort, isValidPortNum(hostPort));
    const protocol = str(errs, port, 'protocol', p);
    if (protocol === '') errs.add(fieldErrors.required(p.child('protocol').toString(), ''));
    else if (!PORT_PROTOCOLS.includes(protocol)) errs.add(fieldErrors.notSupported(p.child('protocol').toString(), protocol, PORT_PROTOCOLS));
  });
}

const ENV_FIELD_PATHS = [
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.serviceAccountName',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
];
export const VOLUME_FIELD_PATHS = ['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid'];
/** Labels the pod downward API can convert at all (ConvertDownwardAPIFieldLabel). */
const CONVERTIBLE_FIELD_PATHS = new Set([
  'metadata.annotations',
  'metadata.labels',
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.restartPolicy',
  'spec.serviceAccountName',
  'spec.schedulerName',
  'status.phase',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
]);
const RESOURCE_FIELD_PATHS = ['limits.cpu', 'limits.ephemeral-storage', 'limits.memory', 'requests.cpu', 'requests.ephemeral-storage', 'requests.memory'];
const HUGEPAGE_FIELD_PREFIXES = ['limits.hugepages-', 'requests.hugepages-'];

/** "metadata.labels['app']" → path and subscript (SplitMaybeSubscriptedPath). */
function splitSubscript(fieldPath: string): { path: string; subscript: string } | undefined {
  if (!fieldPath.endsWith("']")) return undefined;
  const body = fieldPath.slice(0, -2);
  const at = body.indexOf("['");
  if (at <= 0) return undefined;
  return { path: body.slice(0, at), subscript: body.slice(at + 2) };
}

export function validateObjectFieldSelector(errs: Errs, fs: Rec, expressions: readonly string[], path: FieldPath): void {
  const apiVersion = str(errs, fs, 'apiVersion', path);
  if (apiVersion === '') {
    errs.add(fieldErrors.required(path.child('apiVersion').toString(), ''));
    return;
  }
  const fieldPath = str(errs, fs, 'fieldPath', path);
  if (fieldPath === '') {
    errs.add(fieldErrors.required(path.child('fieldPath').toString(), ''));
    return;
  }
  const sub = splitSubscript(fieldPath);
  let conversionError: string | undefined;
  if (apiVersion !== 'v1') conversionError = `unsupported pod version: ${apiVersion}`;
  else if (sub ? sub.path !== 'metadata.annotations' && sub.path !== 'metadata.labels' : !CONVERTIBLE_FIELD_PATHS.has(fieldPath)) {
    conversionError = `field label not supported: ${fieldPath}`;
  }
  if (conversionError) {
    errs.invalid(path.child('fieldPath'), fieldPath, [`error converting fieldPath: ${conversionError}`]);
    return;
  }
  if (sub) {
    if (sub.path === 'metadata.annotations') errs.invalid(path, sub.subscript.toLowerCase(), isQualifiedName(sub.subscript.toLowerCase()));
    else errs.invalid(path, sub.subscript, isQualifiedName(sub.subscript));
  } else if (!expressions.includes(fieldPath)) {
    errs.add(fieldErrors.notSupported(path.child('fieldPath').toString(), fieldPath, [...expressions].sort()));
  }
}

const DIVISORS: Record<string, string[]> = {
  cpu: ['1m', '1'],
  memory: ['1', '1k', '1M', '1G', '1T', '1P', '1E', '1Ki', '1Mi', '1Gi', '1Ti', '1Pi', '1Ei'],
};

export function validateResourceFieldSelector(errs: Errs, fs: Rec, path: FieldPath, inVolume: boolean): void {
  const containerName = str(errs, fs, 'containerName', path);
  const resource = str(errs, fs, 'resource', path);
  if (inVolume && containerName === '') errs.add(fieldErrors.required(path.child('containerName').toString(), ''));
  else if (resource === '') errs.add(fieldErrors.required(path.child('resource').toString(), ''));
  else if (!RESOURCE_FIELD_PATHS.includes(resource) && !HUGEPAGE_FIELD_PREFIXES.some((pre) => resource.startsWith(pre))) {
    errs.add(fieldErrors.notSupported(path.child('resource').toString(), resource, RESOURCE_FIELD_PATHS));
  }
  const divisor = fs.divisor;
  if (divisor === undefined || divisor === null) return;
  const q = tryParseQuantity(divisor);
  if (typeof q === 'string') {
    errs.invalid(path.child('divisor'), divisor, [q]);
    return;
  }
  if (q.unscaled === 0n) return;
  const text = formatQuantity(q);
  const kind = resource.endsWith('.cpu') ? 'cpu' : resource.endsWith('.memory') ? 'memory' : resource.endsWith('.ephemeral-storage') ? 'local ephemeral storage' : resource.includes('hugepages-') ? 'hugepages' : undefined;
  if (!kind) return;
  const allowed = kind === 'cpu' ? DIVISORS.cpu! : DIVISORS.memory!;
  if (!allowed.includes(text)) {
    const list = kind === 'cpu' ? '1m and 1' : '1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei';
    errs.invalid(path.child('divisor'), resource, [`only divisor's values ${list} are supported with the ${kind} resource`]);
  }
}

function validateKeySelector(errs: Errs, s: Rec, path: FieldPath): void {
  const name = str(errs, s, 'name', path);
  errs.invalid(path.child('name'), name, nameIsDNSSubdomain(name, false));
  const key = str(errs, s, 'key', path);
  if (key === '') errs.add(fieldErrors.required(path.child('key').toString(), ''));
  else errs.invalid(path.child('key'), key, isConfigMapKey(key));
}

/** Environment variable names may use any printable ASCII except '=' (Kubernetes 1.32+). */
function relaxedEnvVarName(name: string): string[] {
  if (name.length === 0) return ['environment variable name must be non-empty'];
  return /^[\x20-\x3c\x3e-\x7e]*$/.test(name)
    ? []
    : ["a valid environment variable name must consist only of printable ASCII characters other than '='"];
}

function validateEnv(errs: Errs, vars: Rec[], path: FieldPath): void {
  vars.forEach((ev, i) => {
    const p = path.index(i);
    const name = str(errs, ev, 'name', p);
    if (name === '') errs.add(fieldErrors.required(p.child('name').toString(), ''));
    else errs.invalid(p.child('name'), name, relaxedEnvVarName(name));
    const valueFrom = rec(errs, ev, 'valueFrom', p);
    if (!valueFrom) return;
    const vp = p.child('valueFrom');
    let sources = 0;
    const fieldRef = rec(errs, valueFrom, 'fieldRef', vp);
    if (fieldRef) {
      sources++;
      validateObjectFieldSelector(errs, fieldRef, ENV_FIELD_PATHS, vp.child('fieldRef'));
    }
    const resourceFieldRef = rec(errs, valueFrom, 'resourceFieldRef', vp);
    if (resourceFieldRef) {
      sources++;
      validateResourceFieldSelector(errs, resourceFieldRef, vp.child('resourceFieldRef'), false);
    }
    const configMapKeyRef = rec(errs, valueFrom, 'configMapKeyRef', vp);
    if (configMapKeyRef) {
      sources++;
      validateKeySelector(errs, configMapKeyRef, vp.child('configMapKeyRef'));
    }
    const secretKeyRef = rec(errs, valueFrom, 'secretKeyRef', vp);
    if (secretKeyRef) {
      sources++;
      validateKeySelector(errs, secretKeyRef, vp.child('secretKeyRef'));
    }
    if (sources === 0) errs.invalid(vp, '', ['must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`']);
    else if (str(errs, ev, 'value', p) !== '') errs.invalid(vp, '', ['may not be specified when `value` is not empty']);
    else if (sources > 1) errs.invalid(vp, '', ['may not have more than one field specified at a time']);
  });
}

function validateEnvFrom(errs: Errs, sources: Rec[], path: FieldPath): void {
  sources.forEach((ev, i) => {
    const p = path.index(i);
    const prefix = str(errs, ev, 'prefix', p);
    if (prefix !== '') errs.invalid(p.child('prefix'), prefix, relaxedEnvVarName(prefix));
    let count = 0;
    for (const key of ['configMapRef', 'secretRef']) {
      const ref = rec(errs, ev, key, p);
      if (!ref) continue;
      count++;
      const name = str(errs, ref, 'name', p.child(key));
      if (name === '') errs.add(fieldErrors.required(p.child(key).child('name').toString(), ''));
      else errs.invalid(p.child(key).child('name'), name, nameIsDNSSubdomain(name, true));
    }
    if (count === 0) errs.invalid(path, '', ['must specify one of: `configMapRef` or `secretRef`']);
    else if (count > 1) errs.invalid(path, '', ['may not have more than one field specified at a time']);
  });
}

/** name → path of a container's mounts or devices, read quietly (their own validation reports problems). */
function pathsByName(ctr: Rec, key: string, pathKey: string): Map<string, string> {
  const entries = recList(new Errs(), ctr, key, FieldPath.root());
  return new Map(entries.map((e) => [typeof e.name === 'string' ? e.name : '', typeof e[pathKey] === 'string' ? (e[pathKey] as string) : '']));
}

function validateVolumeMounts(errs: Errs, ctr: Rec, ctx: PodContext, ctrPath: FieldPath): void {
  const path = ctrPath.child('volumeMounts');
  const mounts = recList(errs, ctr, 'volumeMounts', ctrPath);
  const devices = pathsByName(ctr, 'volumeDevices', 'devicePath');
  const privileged = asRec(ctr.securityContext)?.privileged === true;
  const mountPoints = new Set<string>();
  mounts.forEach((mnt, i) => {
    const p = path.index(i);
    const name = str(errs, mnt, 'name', p);
    if (name === '') errs.add(fieldErrors.required(p.child('name').toString(), ''));
    if (!ctx.volumes.has(name)) errs.add(fieldErrors.notFound(p.child('name').toString(), name));
    const mountPath = str(errs, mnt, 'mountPath', p);
    if (mountPath === '') errs.add(fieldErrors.required(p.child('mountPath').toString(), ''));
    if (mountPoints.has(mountPath)) errs.invalid(p.child('mountPath'), mountPath, ['must be unique']);
    mountPoints.add(mountPath);
    if (devices.has(name)) errs.invalid(p.child('name'), name, ['must not already exist in volumeDevices']);
    if ([...devices.values()].includes(mountPath)) errs.invalid(p.child('mountPath'), mountPath, ['must not already exist as a path in volumeDevices']);
    const subPath = str(errs, mnt, 'subPath', p);
    const subPathExpr = str(errs, mnt, 'subPathExpr', p);
    if (ctx.volumes.get(name)?.image !== undefined) {
      if (subPath !== '') errs.invalid(p.child('subPath'), subPath, ['not allowed in image volume sources']);
      if (subPathExpr !== '') errs.invalid(p.child('subPathExpr'), subPathExpr, ['not allowed in image volume sources']);
    }
    // Kubernetes reports sub-path problems on the list's path, without the index.
    if (subPath !== '') validateLocalDescendingPath(errs, subPath, path.child('subPath'));
    if (subPathExpr !== '') {
      if (subPath !== '') errs.invalid(p.child('subPathExpr'), subPathExpr, ['subPathExpr and subPath are mutually exclusive']);
      validateLocalDescendingPath(errs, subPathExpr, path.child('subPathExpr'));
    }
    const propagation = optStr(errs, mnt, 'mountPropagation', p);
    if (propagation !== undefined) {
      const supported = ['Bidirectional', 'HostToContainer', 'None'];
      if (!supported.includes(propagation)) errs.add(fieldErrors.notSupported(path.child('mountPropagation').toString(), propagation, supported));
      if (propagation === 'Bidirectional' && !privileged) {
        errs.add(fieldErrors.forbidden(path.child('mountPropagation').toString(), 'Bidirectional mount propagation is available only to privileged containers'));
      }
    }
    const rro = optStr(errs, mnt, 'recursiveReadOnly', p);
    if (rro !== undefined && rro !== 'Disabled') {
      const rroPath = path.child('recursiveReadOnly').toString();
      if (rro === 'Enabled' || rro === 'IfPossible') {
        if (mnt.readOnly !== true) errs.add(fieldErrors.forbidden(rroPath, 'may only be specified when readOnly is true'));
        if (propagation !== undefined && propagation !== 'None') {
          errs.add(fieldErrors.forbidden(rroPath, 'may only be specified when mountPropagation is None or not specified'));
        }
      } else {
        errs.add(fieldErrors.notSupported(rroPath, rro, ['Disabled', 'Enabled', 'IfPossible']));
      }
    }
  });
}

function validateVolumeDevices(errs: Errs, ctr: Rec, ctx: PodContext, ctrPath: FieldPath): void {
  const path = ctrPath.child('volumeDevices');
  const devices = recList(errs, ctr, 'volumeDevices', ctrPath);
  const mounts = pathsByName(ctr, 'volumeMounts', 'mountPath');
  const paths = new Set<string>();
  const names = new Set<string>();
  devices.forEach((dev, i) => {
    const p = path.index(i);
    const name = str(errs, dev, 'name', p);
    const devicePath = str(errs, dev, 'devicePath', p);
    const source = ctx.volumes.get(name);
    if (name === '') errs.add(fieldErrors.required(p.child('name').toString(), ''));
    if (names.has(name)) errs.invalid(p.child('name'), name, ['must be unique']);
    if (source && source.persistentVolumeClaim === undefined && source.ephemeral === undefined) {
      errs.invalid(p.child('name'), name, ['can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode']);
    }
    if (!source) errs.add(fieldErrors.notFound(p.child('name').toString(), name));
    if (devicePath === '') errs.add(fieldErrors.required(p.child('devicePath').toString(), ''));
    if (paths.has(devicePath)) errs.invalid(p.child('devicePath'), devicePath, ['must be unique']);
    if (devicePath !== '' && devicePath.split('/').includes('..')) errs.invalid(p.child('devicePath'), devicePath, ["can not contain backsteps ('..')"]);
    else paths.add(devicePath);
    if (mounts.has(name)) errs.invalid(p.child('name'), name, ['must not already exist in volumeMounts']);
    if ([...mounts.values()].includes(devicePath)) errs.invalid(p.child('devicePath'), devicePath, ['must not already exist as a path in volumeMounts']);
    if (name !== '') names.add(name);
  });
}

function validatePortNumOrName(errs: Errs, port: number | string | undefined, path: FieldPath): void {
  if (typeof port === 'string') errs.invalid(path, port, isValidPortName(port));
  else errs.invalid(path, port ?? 0, isValidPortNum(port ?? 0));
}

const HANDLER_KINDS = ['exec', 'httpGet', 'tcpSocket', 'grpc', 'sleep'] as const;

function validateHandler(errs: Errs, handler: Rec, allowed: readonly string[], gracePeriod: number | undefined, path: FieldPath): void {
  let count = 0;
  for (const kind of HANDLER_KINDS) {
    if (!allowed.includes(kind)) continue;
    const h = rec(errs, handler, kind, path);
    if (!h) continue;
    const p = path.child(kind);
    if (count > 0) {
      errs.add(fieldErrors.forbidden(p.toString(), 'may not specify more than 1 handler type'));
      continue;
    }
    count++;
    if (kind === 'exec') {
      if (strList(errs, h, 'command', p).length === 0) errs.add(fieldErrors.required(p.child('command').toString(), ''));
    } else if (kind === 'httpGet') {
      if (str(errs, h, 'path', p) === '') errs.add(fieldErrors.required(p.child('path').toString(), ''));
      validatePortNumOrName(errs, intOrString(errs, h, 'port', p), p.child('port'));
      const scheme = str(errs, h, 'scheme', p);
      if (scheme !== 'HTTP' && scheme !== 'HTTPS') errs.add(fieldErrors.notSupported(p.child('scheme').toString(), scheme, ['HTTP', 'HTTPS']));
      for (const header of recList(errs, h, 'httpHeaders', p)) {
        const name = str(errs, header, 'name', p);
        errs.invalid(p.child('httpHeaders'), name, isHTTPHeaderName(name));
      }
    } else if (kind === 'tcpSocket') {
      validatePortNumOrName(errs, intOrString(errs, h, 'port', p), p.child('port'));
    } else if (kind === 'grpc') {
      validatePortNumOrName(errs, int(errs, h, 'port', p), p.child('port'));
    } else {
      const seconds = int(errs, h, 'seconds', p);
      if (gracePeriod !== undefined && (seconds < 0 || seconds > gracePeriod)) {
        errs.invalid(p, seconds, [`must be non-negative and less than terminationGracePeriodSeconds (${gracePeriod})`]);
      }
    }
  }
  if (count === 0) errs.add(fieldErrors.required(path.toString(), 'must specify a handler type'));
}

function validateLifecycle(errs: Errs, lifecycle: Rec, gracePeriod: number | undefined, path: FieldPath): void {
  for (const hook of ['postStart', 'preStop']) {
    const h = rec(errs, lifecycle, hook, path);
    if (h) validateHandler(errs, h, ['exec', 'httpGet', 'tcpSocket', 'sleep'], gracePeriod, path.child(hook));
  }
}

function validateProbe(errs: Errs, probe: Rec, kind: 'liveness' | 'readiness' | 'startup', gracePeriod: number | undefined, path: FieldPath): void {
  validateHandler(errs, probe, ['exec', 'httpGet', 'tcpSocket', 'grpc'], gracePeriod, path);
  for (const key of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    const v = int(errs, probe, key, path);
    if (v < 0) errs.invalid(path.child(key), v, ['must be greater than or equal to 0']);
  }
  const grace = optInt(errs, probe, 'terminationGracePeriodSeconds', path);
  if (grace !== undefined && grace <= 0) errs.invalid(path.child('terminationGracePeriodSeconds'), grace, ['must be greater than 0']);
  if (kind !== 'readiness') {
    const success = int(errs, probe, 'successThreshold', path);
    if (success !== 1) errs.invalid(path.child('successThreshold'), success, ['must be 1']);
  } else if (grace !== undefined) {
    errs.invalid(path.child('terminationGracePeriodSeconds'), grace, ['must not be set for readinessProbes']);
  }
}

function validateProbesAndLifecycle(errs: Errs, ctr: Rec, gracePeriod: number | undefined, path: FieldPath): void {
  const lifecycle = rec(errs, ctr, 'lifecycle', path);
  if (lifecycle) validateLifecycle(errs, lifecycle, gracePeriod, path.child('lifecycle'));
  for (const [key, kind] of [
    ['livenessProbe', 'liveness'],
    ['readinessProbe', 'readiness'],
    ['startupProbe', 'startup'],
  ] as const) {
    const probe = rec(errs, ctr, key, path);
    if (probe) validateProbe(errs, probe, kind, gracePeriod, path.child(key));
  }
}

function validateResizePolicy(errs: Errs, policies: Rec[], path: FieldPath, podRestartPolicy: string): void {
  const seen = new Set<string>();
  policies.forEach((p, i) => {
    const resourceName = str(errs, p, 'resourceName', path);
    const restartPolicy = str(errs, p, 'restartPolicy', path);
    if (seen.has(resourceName)) errs.add(fieldErrors.duplicate(path.index(i).toString(), resourceName));
    seen.add(resourceName);
    if (resourceName === '') errs.add(fieldErrors.required(path.toString(), ''));
    else if (resourceName !== 'cpu' && resourceName !== 'memory') errs.add(fieldErrors.notSupported(path.toString(), resourceName, ['cpu', 'memory']));
    if (restartPolicy === '') errs.add(fieldErrors.required(path.toString(), ''));
    else if (restartPolicy !== 'NotRequired' && restartPolicy !== 'RestartContainer') {
      errs.add(fieldErrors.notSupported(path.toString(), restartPolicy, ['NotRequired', 'RestartContainer']));
    }
    if (podRestartPolicy === 'Never' && restartPolicy !== 'NotRequired') {
      errs.invalid(path, restartPolicy, ["must be 'NotRequired' when `restartPolicy` is 'Never'"]);
    }
  });
}

function validateContainerCommon(errs: Errs, ctr: Rec, ctx: PodContext, path: FieldPath): void {
  const name = str(errs, ctr, 'name', path);
  if (name === '') errs.add(fieldErrors.required(path.child('name').toString(), ''));
  else errs.invalid(path.child('name'), name, isDNS1123Label(name));
  if (str(errs, ctr, 'image', path) === '') errs.add(fieldErrors.required(path.child('image').toString(), ''));
  const tmp = str(errs, ctr, 'terminationMessagePolicy', path);
  if (tmp === '') errs.add(fieldErrors.required(path.child('terminationMessagePolicy').toString(), ''));
  else if (tmp !== 'File' && tmp !== 'FallbackToLogsOnError') {
    errs.add(fieldErrors.notSupported(path.child('terminationMessagePolicy').toString(), tmp, ['File', 'FallbackToLogsOnError']));
  }
  validateContainerPorts(errs, recList(errs, ctr, 'ports', path), path.child('ports'));
  validateEnv(errs, recList(errs, ctr, 'env', path), path.child('env'));
  validateEnvFrom(errs, recList(errs, ctr, 'envFrom', path), path.child('envFrom'));
  validateVolumeMounts(errs, ctr, ctx, path);
  validateVolumeDevices(errs, ctr, ctx, path);
  const pull = str(errs, ctr, 'imagePullPolicy', path);
  if (pull === '') errs.add(fieldErrors.required(path.child('imagePullPolicy').toString(), ''));
  else if (!['Always', 'IfNotPresent', 'Never'].includes(pull)) {
    errs.add(fieldErrors.notSupported(path.child('imagePullPolicy').toString(), pull, ['Always', 'IfNotPresent', 'Never']));
  }
  validateResourceRequirements(errs, rec(errs, ctr, 'resources', path), ctx.podClaimNames, path.child('resources'));
  validateResizePolicy(errs, recList(errs, ctr, 'resizePolicy', path), path.child('resizePolicy'), ctx.restartPolicy);
  validateContainerSecurityContext(errs, rec(errs, ctr, 'securityContext', path), path.child('securityContext'), ctx.hostUsers);
}

/** host ports must not collide across the given containers (protocol, host IP and port). */
function checkHostPortConflicts(errs: Errs, containers: Rec[], path: FieldPath, indexes: number[]): void {
  const seen = new Set<string>();
  containers.forEach((ctr, n) => {
    const ports = Array.isArray(ctr.ports) ? ctr.ports : [];
    ports.forEach((port: unknown, pi) => {
      const p = asRec(port);
      const hostPort = typeof p?.hostPort === 'number' ? p.hostPort : 0;
      if (hostPort === 0) return;
      const key = `${scalarText(p?.protocol)}/${scalarText(p?.hostIP)}/${hostPort}`;
      const at = path.index(indexes[n]!).child('ports').index(pi).child('hostPort');
      if (seen.has(key)) errs.add(fieldErrors.duplicate(at.toString(), key));
      else seen.add(key);
    });
  });
}

export function validateContainers(errs: Errs, containers: Rec[], ctx: PodContext, path: FieldPath): void {
  if (containers.length === 0) {
    errs.add(fieldErrors.required(path.toString(), ''));
    return;
  }
  const names = new Set<string>();
  containers.forEach((ctr, i) => {
    const p = path.index(i);
    validateContainerCommon(errs, ctr, ctx, p);
    const name = typeof ctr.name === 'string' ? ctr.name : '';
    if (names.has(name)) errs.add(fieldErrors.duplicate(p.child('name').toString(), name));
    else names.add(name);
    validateProbesAndLifecycle(errs, ctr, ctx.gracePeriod, p);
    if (ctr.restartPolicy !== undefined && ctr.restartPolicy !== null) {
      errs.add(fieldErrors.forbidden(p.child('restartPolicy').toString(), 'may not be set for non-init containers'));
    }
  });
  checkHostPortConflicts(errs, containers, path, containers.map((_, i) => i));
}

export function validateInitContainers(errs: Errs, inits: Rec[], regular: Rec[], ctx: PodContext, path: FieldPath): void {
  const names = new Set(regular.map((c) => (typeof c.name === 'string' ? c.name : '')));
  inits.forEach((ctr, i) => {
    const p = path.index(i);
    validateContainerCommon(errs, ctr, ctx, p);
    const restartPolicy = optStr(errs, ctr, 'restartPolicy', p);
    if (restartPolicy !== undefined && restartPolicy !== 'Always') {
      errs.add(fieldErrors.notSupported(p.child('restartPolicy').toString(), restartPolicy, ['Always']));
    }
    const name = typeof ctr.name === 'string' ? ctr.name : '';
    if (names.has(name)) errs.add(fieldErrors.duplicate(p.child('name').toString(), name));
    else if (name !== '') names.add(name);
    // Init containers run one at a time, so host ports are only checked within each.
    checkHostPortConflicts(errs, [ctr], path, [i]);
    if (restartPolicy === 'Always') {
      validateProbesAndLifecycle(errs, ctr, ctx.gracePeriod, p);
    } else {
      for (const key of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe']) {
        if (ctr[key] !== undefined && ctr[key] !== null) {
          errs.add(fieldErrors.forbidden(p.child(key).toString(), 'may not be set for init containers without restartPolicy=Always'));
        }
      }
    }
  });
}

const EPHEMERAL_FORBIDDEN = ['ports', 'resources', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle', 'resizePolicy', 'restartPolicy'];

export function validateEphemeralContainers(errs: Errs, ephemeral: Rec[], others: Rec[], ctx: PodContext, path: FieldPath): void {
  const otherNames = new Set(others.map((c) => (typeof c.name === 'string' ? c.name : '')));
  const all = new Set(otherNames);
  ephemeral.forEach((ec, i) => {
    const p = path.index(i);
    validateContainerCommon(errs, ec, ctx, p);
    validateImageWhitespace(errs, ec, p);
    const name = typeof ec.name === 'string' ? ec.name : '';
    if (all.has(name)) errs.add(fieldErrors.duplicate(p.child('name').toString(), name));
    else all.add(name);
    const target = str(errs, ec, 'targetContainerName', p);
    if (target !== '' && !otherNames.has(target)) errs.add(fieldErrors.notFound(p.child('targetContainerName').toString(), target));
    for (const key of EPHEMERAL_FORBIDDEN) {
      const v = ec[key];
      const set = v !== undefined && v !== null && !(typeof v === 'object' && Object.keys(v).length === 0);
      if (set) errs.add(fieldErrors.forbidden(p.child(key).toString(), 'cannot be set for an Ephemeral Container'));
    }
    recList(errs, ec, 'volumeMounts', p).forEach((vm, j) => {
      for (const key of ['subPath', 'subPathExpr']) {
        if (typeof vm[key] === 'string' && vm[key] !== '') {
          errs.add(fieldErrors.forbidden(p.child('volumeMounts').index(j).child(key).toString(), 'cannot be set for an Ephemeral Container'));
        }
      }
    });
  });
}

/** Pods (not templates) may not carry an image name with surrounding spaces. */
export function validateImageWhitespace(errs: Errs, ctr: Rec, path: FieldPath): void {
  const image = typeof ctr.image === 'string' ? ctr.image : '';
  if (image.trim() !== image) errs.invalid(path.child('image'), image, ['must not have leading or trailing whitespace']);
}

