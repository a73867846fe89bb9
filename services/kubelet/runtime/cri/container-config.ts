// A pod's container as a CRI ContainerConfig, as the kubelet builds it
// (kuberuntime_container.go, kubelet_pods.go): environment (values, envFrom and
// configMapKeyRef/secretKeyRef, downward-API fieldRefs and resourceFieldRefs, $(VAR) references),
// volume mounts, command and args with references expanded, working
// directory, terminal, the termination-message file, resources and security context, and the
// labels and annotations that find the container again.
import type { Container, EnvVar, Pod } from 'kubernetes-types/core/v1.js';
import { parseQuantity, quantityMilliValue, quantityValue } from '../../../../lib/api/validation/quantity.js';
import type { ContainerConfig, KeyValue, LinuxContainerSecurityContext, Mount } from '../../../../lib/cri/types.js';
import { expand } from './env-expansion.js';
import { emptyEnvSources, type EnvSources } from './env-sources.js';
import {
  CONTAINER_IMAGE_ANNOTATION,
  CONTAINER_NAME_LABEL,
  POD_NAME_LABEL,
  POD_NAMESPACE_LABEL,
  POD_UID_LABEL,
  RESTART_COUNT_ANNOTATION,
  TERMINATION_MESSAGE_PATH_ANNOTATION,
  TERMINATION_MESSAGE_POLICY_ANNOTATION,
} from './labels.js';
import { linuxResources } from './resources.js';

/** What the environment of a container may refer to beyond the pod object. */
export interface ContainerContext {
  nodeName: string;
  hostIP: string;
  podIPs: readonly string[];
  /** The node's allocatable cpu (millicores) and memory (bytes): resourceFieldRefs of unset limits. */
  nodeMilliCpu: number;
  nodeMemoryBytes: number;
}

/** A spec the runtime cannot turn into a container (Kubernetes' CreateContainerConfigError). */
export class ContainerConfigError extends Error {
  override name = 'ContainerConfigError';
}

export function fieldValue(pod: Pod, path: string, context: ContainerContext): string {
  const meta = pod.metadata ?? {};
  const keyed = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(path);
  if (keyed) return (keyed[1] === 'labels' ? meta.labels : meta.annotations)?.[keyed[2]!] ?? '';
  switch (path) {
    case 'metadata.name':
      return meta.name ?? '';
    case 'metadata.namespace':
      return meta.namespace ?? '';
    case 'metadata.uid':
      return meta.uid ?? '';
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? context.nodeName;
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? '';
    case 'status.hostIP':
    case 'status.hostIPs':
      return context.hostIP;
    case 'status.podIP':
      return context.podIPs[0] ?? '';
    case 'status.podIPs':
      return context.podIPs.join(',');
    default:
      throw new ContainerConfigError(`unsupported fieldRef ${path}`);
  }
}

/** ExtractContainerResourceValue: the request or limit (unset limits: the node's allocatable) over the divisor, rounded up. */
export function resourceValue(pod: Pod, ref: NonNullable<EnvVar['valueFrom']>['resourceFieldRef'] & object, self: Container, context: ContainerContext): string {
  const container = ref.containerName ? [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((c) => c.name === ref.containerName) : self;
  if (!container) throw new ContainerConfigError(`resourceFieldRef names no container ${ref.containerName}`);
  const [kind, resource] = ref.resource.split('.', 2) as [string, string];
  const list = kind === 'limits' ? container.resources?.limits : container.resources?.requests;
  const set = list?.[resource];
  const divisor = parseQuantity(ref.divisor ?? 1);
  if (resource === 'cpu') {
    const milli = set !== undefined ? Number(quantityMilliValue(parseQuantity(set))) : kind === 'limits' ? context.nodeMilliCpu : 0;
    return String(Math.ceil(milli / Number(quantityMilliValue(divisor))));
  }
  if (resource === 'memory' || resource === 'ephemeral-storage') {
    const value = set !== undefined ? Number(quantityValue(parseQuantity(set))) : kind === 'limits' && resource === 'memory' ? context.nodeMemoryBytes : 0;
    return String(Math.ceil(value / Number(quantityValue(divisor))));
  }
  throw new ContainerConfigError(`unsupported resourceFieldRef ${ref.resource}`);
}

/** A configMapKeyRef's or secretKeyRef's value; undefined when optional and missing. */
function keyRefValue(kind: 'ConfigMap' | 'Secret', objects: Map<string, Map<string, string> | undefined>, namespace: string, ref: { name?: string; key: string; optional?: boolean }): string | undefined {
  const name = ref.name ?? '';
  const data = objects.get(name);
  if (!data) {
    if (ref.optional) return undefined;
    throw new ContainerConfigError(`${kind.toLowerCase()} "${name}" not found`);
  }
  const value = data.get(ref.key);
  if (value === undefined && !ref.optional) throw new ContainerConfigError(`couldn't find key ${ref.key} in ${kind} ${namespace}/${name}`);
  return value;
}

/**
 * The container's environment in order (envFrom first, then env, which overrides it), each env
 * value's $(VAR) references expanded against those before it. `sources` holds the ConfigMaps and
 * Secrets the environment names (readEnvSources).
 */
export function containerEnv(pod: Pod, container: Container, context: ContainerContext, sources: EnvSources = emptyEnvSources()): Map<string, string> {
  const namespace = pod.metadata?.namespace ?? '';
  const env = new Map<string, string>();
  for (const from of container.envFrom ?? []) {
    const ref = from.configMapRef ?? from.secretRef;
    const kind = from.configMapRef ? 'ConfigMap' : 'Secret';
    const data = (from.configMapRef ? sources.configMaps : sources.secrets).get(ref?.name ?? '');
    if (!data) {
      if (ref?.optional) continue;
      throw new ContainerConfigError(`${kind.toLowerCase()} "${ref?.name ?? ''}" not found`);
    }
    for (const [key, value] of data) if (!key.includes('=')) env.set(`${from.prefix ?? ''}${key}`, value);
  }
  for (const variable of container.env ?? []) {
    let value: string | undefined;
    const from = variable.valueFrom;
    if (!from) value = expand(variable.value ?? '', (name) => env.get(name));
    else if (from.fieldRef) value = fieldValue(pod, from.fieldRef.fieldPath, context);
    else if (from.resourceFieldRef) value = resourceValue(pod, from.resourceFieldRef, container, context);
    else if (from.configMapKeyRef) value = keyRefValue('ConfigMap', sources.configMaps, namespace, from.configMapKeyRef);
    else if (from.secretKeyRef) value = keyRefValue('Secret', sources.secrets, namespace, from.secretKeyRef);
    else throw new ContainerConfigError(`container ${container.name}: env ${variable.name} has an empty valueFrom`);
    if (value !== undefined) env.set(variable.name, value);
  }
  return env;
}

function securityContext(pod: Pod, container: Container): LinuxContainerSecurityContext {
  const podLevel = pod.spec?.securityContext ?? {};
  const own = container.securityContext ?? {};
  const runAsUser = own.runAsUser ?? podLevel.runAsUser;
  const runAsGroup = own.runAsGroup ?? podLevel.runAsGroup;
  const out: LinuxContainerSecurityContext = {
    privileged: own.privileged ?? false,
    readonlyRootfs: own.readOnlyRootFilesystem ?? false,
    noNewPrivs: own.allowPrivilegeEscalation === false,
    namespaceOptions: {
      network: pod.spec?.hostNetwork ? 'NODE' : 'POD',
      pid: pod.spec?.hostPID ? 'NODE' : pod.spec?.shareProcessNamespace ? 'POD' : 'CONTAINER',
      ipc: pod.spec?.hostIPC ? 'NODE' : 'POD',
    },
  };
  if (runAsUser !== undefined) out.runAsUser = { value: runAsUser };
  if (runAsGroup !== undefined) out.runAsGroup = { value: runAsGroup };
  if (podLevel.supplementalGroups) out.supplementalGroups = [...podLevel.supplementalGroups];
  if (own.capabilities) out.capabilities = { addCapabilities: own.capabilities.add ?? [], dropCapabilities: own.capabilities.drop ?? [] };
  return out;
}

export interface ContainerSettings {
  /** The image to run (as pulled: the spec's reference, or the id the pull resolved). */
  image: string;
  attempt: number;
  context: ContainerContext;
  memoryCapacity: number;
  /** Host file mounted at the container's terminationMessagePath; none: no termination message. */
  terminationMessageFile?: string;
  /** The ConfigMaps and Secrets the environment names. */
  envSources?: EnvSources;
  /** The pod's volumes and /etc/hosts as mounts, given the container's environment (for subPathExpr). */
  mounts?: (env: ReadonlyMap<string, string>) => Mount[];
}

export function containerConfig(pod: Pod, container: Container, settings: ContainerSettings): ContainerConfig {
  const env = containerEnv(pod, container, settings.context, settings.envSources);
  const lookup = (name: string): string | undefined => env.get(name);
  const envs: KeyValue[] = [...env].map(([key, value]) => ({ key, value: Buffer.from(value, 'utf8') }));
  const mounts: Mount[] = settings.mounts?.(env) ?? [];
  const messagePath = container.terminationMessagePath ?? '/dev/termination-log';
  if (settings.terminationMessageFile) mounts.push({ containerPath: messagePath, hostPath: settings.terminationMessageFile });
  return {
    metadata: { name: container.name, attempt: settings.attempt },
    image: { image: settings.image, userSpecifiedImage: container.image ?? '' },
    command: (container.command ?? []).map((part) => expand(part, lookup)),
    args: (container.args ?? []).map((part) => expand(part, lookup)),
    workingDir: container.workingDir ?? '',
    envs,
    mounts,
    labels: {
      [POD_NAME_LABEL]: pod.metadata?.name ?? '',
      [POD_NAMESPACE_LABEL]: pod.metadata?.namespace ?? '',
      [POD_UID_LABEL]: pod.metadata?.uid ?? '',
      [CONTAINER_NAME_LABEL]: container.name,
    },
    annotations: {
      [RESTART_COUNT_ANNOTATION]: String(settings.attempt),
      [TERMINATION_MESSAGE_PATH_ANNOTATION]: messagePath,
      [TERMINATION_MESSAGE_POLICY_ANNOTATION]: container.terminationMessagePolicy ?? 'File',
      [CONTAINER_IMAGE_ANNOTATION]: container.image ?? '',
    },
    logPath: `${container.name}/${settings.attempt}.log`,
    stdin: container.stdin ?? false,
    stdinOnce: container.stdinOnce ?? false,
    tty: container.tty ?? false,
    linux: { resources: linuxResources(pod, container, settings.memoryCapacity), securityContext: securityContext(pod, container) },
  };
}
