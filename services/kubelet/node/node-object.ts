// The Node a kubelet registers and the status it reports: addresses, capacity and allocatable,
// nodeInfo, the four conditions (Ready, MemoryPressure, DiskPressure, PIDPressure) with
// Kubernetes' reasons and messages, daemonEndpoints and images.
import type { Node, NodeCondition, NodeStatus, Taint } from 'kubernetes-types/core/v1.js';
import { KUBERNETES_VERSION } from '../../../lib/api/openapi/kubernetes-version.js';
import { apiTime } from '../pods/api-status.js';
import type { NodeImage, RuntimeVersion } from '../runtime/pod-runtime.js';

export interface HostFacts {
  machineID: string;
  systemUUID: string;
  bootID: string;
  kernelVersion: string;
  osImage: string;
  architecture: string;
}

/** What one node is: fixed at start. */
export interface NodeIdentity {
  name: string;
  internalIP: string;
  hostname: string;
  labels: Record<string, string>;
  taints: Taint[];
  capacity: Record<string, string>;
  allocatable: Record<string, string>;
  kubeletPort: number;
  host: HostFacts;
}

export interface NodeHealth {
  runtimeReady: boolean;
  runtimeMessage?: string;
}

export function parseTaints(entries: readonly string[]): Taint[] {
  return entries.map((entry) => {
    const match = /^([^=:]+)(?:=([^:]*))?:(NoSchedule|PreferNoSchedule|NoExecute)$/.exec(entry.trim());
    if (!match) throw new Error(`--register-with-taints: "${entry}" is not key[=value]:Effect (NoSchedule, PreferNoSchedule or NoExecute)`);
    const taint: Taint = { key: match[1]!, effect: match[3]! };
    if (match[2]) taint.value = match[2];
    return taint;
  });
}

export function parseLabels(entries: readonly string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new Error(`--node-labels: "${entry}" is not key=value`);
    labels[entry.slice(0, eq).trim()] = entry.slice(eq + 1).trim();
  }
  return labels;
}

function nodeCondition(type: string, ok: boolean, reason: string, message: string, previous: readonly NodeCondition[] | undefined, now: number): NodeCondition {
  const status = ok ? 'True' : 'False';
  const before = previous?.find((c) => c.type === type);
  return {
    type,
    status,
    lastHeartbeatTime: apiTime(now),
    lastTransitionTime: before?.status === status && before.lastTransitionTime ? before.lastTransitionTime : apiTime(now),
    reason,
    message,
  };
}

/** The node's status now; `previous` keeps the conditions' transition times. */
export function nodeStatus(identity: NodeIdentity, health: NodeHealth, runtime: RuntimeVersion, images: readonly NodeImage[], previous: NodeStatus | undefined, now: number): NodeStatus {
  const prior = previous?.conditions;
  const ready = health.runtimeReady;
  const status: NodeStatus = {
    capacity: identity.capacity,
    allocatable: identity.allocatable,
    conditions: [
      nodeCondition('MemoryPressure', false, 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available', prior, now),
      nodeCondition('DiskPressure', false, 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure', prior, now),
      nodeCondition('PIDPressure', false, 'KubeletHasSufficientPID', 'kubelet has sufficient PID available', prior, now),
      nodeCondition('Ready', ready, ready ? 'KubeletReady' : 'KubeletNotReady', ready ? 'kubelet is posting ready status' : (health.runtimeMessage ?? 'container runtime is down'), prior, now),
    ],
    addresses: [
      { type: 'InternalIP', address: identity.internalIP },
      { type: 'Hostname', address: identity.hostname },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: identity.kubeletPort } },
    nodeInfo: {
      machineID: identity.host.machineID,
      systemUUID: identity.host.systemUUID,
      bootID: identity.host.bootID,
      kernelVersion: identity.host.kernelVersion,
      osImage: identity.host.osImage,
      containerRuntimeVersion: `${runtime.runtimeName}://${runtime.runtimeVersion}`,
      kubeletVersion: KUBERNETES_VERSION.gitVersion,
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: identity.host.architecture,
    },
  };
  if (images.length > 0) status.images = images.map((i) => ({ names: i.names, sizeBytes: i.sizeBytes }));
  return status;
}

/** The status with its heartbeat times blanked: two reports differ only if this differs. */
export function statusFingerprint(status: NodeStatus): string {
  return JSON.stringify({ ...status, conditions: status.conditions?.map((c) => ({ ...c, lastHeartbeatTime: '' })) });
}

/** The Node object a kubelet creates when it registers, its first status included. */
export function nodeForRegistration(identity: NodeIdentity, podCIDR: string | undefined, status: NodeStatus): Node {
  const node: Node = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: identity.name, labels: identity.labels, annotations: { 'node.alpha.kubernetes.io/ttl': '0' } },
    spec: {},
    status,
  };
  if (identity.taints.length > 0) node.spec!.taints = identity.taints;
  if (podCIDR) node.spec = { ...node.spec, podCIDR, podCIDRs: [podCIDR] };
  return node;
}
