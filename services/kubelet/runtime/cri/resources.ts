// A container's requests and limits as CRI LinuxContainerResources, the way the kubelet computes
// them (kuberuntime_container_linux.go, pkg/kubelet/cm helpers): cpu shares from the cpu request
// (2 when none), a CFS quota over a 100 ms period from the cpu limit, the memory limit, and the
// oom_score_adj of the pod's QoS class.
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { LinuxContainerResources } from '../../../../lib/cri/types.js';
import { parseQuantity, quantityMilliValue, quantityValue } from '../../../../lib/api/validation/quantity.js';

const MIN_SHARES = 2;
const MAX_SHARES = 262_144;
const SHARES_PER_CPU = 1024;
const QUOTA_PERIOD = 100_000;
const MIN_QUOTA = 1000;

export type QOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

function milli(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  return Number(quantityMilliValue(parseQuantity(value)));
}

function bytes(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  return Number(quantityValue(parseQuantity(value)));
}

export function milliCpuToShares(milliCpu: number): number {
  if (milliCpu === 0) return MIN_SHARES;
  return Math.min(MAX_SHARES, Math.max(MIN_SHARES, Math.floor((milliCpu * SHARES_PER_CPU) / 1000)));
}

export function milliCpuToQuota(milliCpu: number): number {
  return Math.max(MIN_QUOTA, Math.floor((milliCpu * QUOTA_PERIOD) / 1000));
}

export function qosClassOf(pod: Pod): QOSClass {
  const qos = pod.status?.qosClass;
  return qos === 'Guaranteed' || qos === 'Burstable' ? qos : 'BestEffort';
}

/** GetContainerOOMScoreAdjust: Guaranteed -997, BestEffort 1000, Burstable by the memory request's share of the node. */
export function oomScoreAdj(qos: QOSClass, memoryRequest: number, memoryCapacity: number): number {
  if (qos === 'Guaranteed') return -997;
  if (qos === 'BestEffort') return 1000;
  const adj = 1000 - Math.floor((1000 * memoryRequest) / memoryCapacity);
  if (adj < 2) return 2;
  if (adj >= 1000) return 999;
  return adj;
}

export function linuxResources(pod: Pod, container: Container, memoryCapacity: number): LinuxContainerResources {
  const requests = container.resources?.requests ?? {};
  const limits = container.resources?.limits ?? {};
  const cpuLimit = milli(limits.cpu);
  // A limit without a request means a request of the limit (as API defaulting sets it).
  const cpuRequest = milli(requests.cpu) ?? cpuLimit ?? 0;
  const memoryLimit = bytes(limits.memory);
  const memoryRequest = bytes(requests.memory) ?? memoryLimit ?? 0;
  const out: LinuxContainerResources = {
    cpuShares: milliCpuToShares(cpuRequest),
    oomScoreAdj: oomScoreAdj(qosClassOf(pod), memoryRequest, memoryCapacity),
  };
  if (cpuLimit !== undefined && cpuLimit > 0) {
    out.cpuPeriod = QUOTA_PERIOD;
    out.cpuQuota = milliCpuToQuota(cpuLimit);
  }
  if (memoryLimit !== undefined && memoryLimit > 0) out.memoryLimitInBytes = memoryLimit;
  return out;
}

/** The pod's cgroup under the node's cgroup root, as the kubelet's cgroupfs driver names it. */
export function podCgroupParent(root: string, pod: Pod): string {
  const uid = pod.metadata?.uid ?? '';
  const qos = qosClassOf(pod);
  const base = root.replace(/\/+$/, '');
  return qos === 'Guaranteed' ? `${base}/pod${uid}` : `${base}/${qos.toLowerCase()}/pod${uid}`;
}
