// The scheduler's PodInfo / NodeInfo in the native kernel's argument shapes.
import { encodeKernelPod, type EncodedKernelPod, type KernelNode, type KernelPod, type KernelPodUsage, type KernelResources, type KernelSelectorTerm } from '../../native/sched.js';
import type { NodeInfo } from '../node-info.js';
import type { CompiledTerm } from '../node-selector.js';
import type { Resources } from '../resources.js';
import type { PodInfo } from '../types.js';

function resources(r: Resources): KernelResources {
  const out: KernelResources = { milliCpu: r.milliCpu, memory: r.memory, ephemeralStorage: r.ephemeralStorage, scalar: r.scalar };
  if (r.allowedPodNumber !== undefined) out.allowedPodNumber = r.allowedPodNumber;
  return out;
}

/** A term that failed to parse matches nothing; an operator the kernel rejects says so. */
const INVALID_TERM: KernelSelectorTerm = { matchExpressions: [{ key: '', operator: 'Invalid' }] };

function term(t: CompiledTerm): KernelSelectorTerm {
  if (!t.valid) return INVALID_TERM;
  return {
    matchExpressions: t.expressions.map((r) => ({ key: r.key, operator: r.operator, values: [...r.values] })),
    matchFields: t.fields.map((r) => ({ key: r.key, operator: r.operator, values: [...r.values] })),
  };
}

export function kernelNode(info: NodeInfo): KernelNode {
  const images: Record<string, number> = {};
  for (const [name, state] of info.imageStates) images[name] = state.size;
  return {
    name: info.name,
    unschedulable: info.unschedulable,
    allocatable: resources(info.allocatable),
    taints: info.taints.map((t) => ({ key: t.key, value: t.value ?? '', effect: t.effect })),
    labels: info.labels as Record<string, string>,
    images,
  };
}

export function kernelPodUsage(node: string, pod: PodInfo): KernelPodUsage {
  return {
    node,
    requests: resources(pod.requests),
    nonZeroMilliCpu: pod.nonZeroRequests.milliCpu,
    nonZeroMemory: pod.nonZeroRequests.memory,
    hostPorts: pod.hostPorts as KernelPodUsage['hostPorts'],
  };
}

export function kernelPod(pod: PodInfo): KernelPod {
  const spec = pod.pod.spec;
  const out: KernelPod = {
    requests: resources(pod.requests),
    nonZeroMilliCpu: pod.nonZeroRequests.milliCpu,
    nonZeroMemory: pod.nonZeroRequests.memory,
    nodeName: pod.nodeName,
    tolerations: pod.tolerations as KernelPod['tolerations'],
    nodeSelector: pod.nodeSelector as Record<string, string>,
    preferredTerms: pod.preferredNodeAffinity.map((w) => ({ weight: w.weight, preference: term(w.term) })),
    hostPorts: pod.hostPorts as KernelPod['hostPorts'],
    images: pod.images as string[],
    containers: (spec?.initContainers?.length ?? 0) + (spec?.containers?.length ?? 0),
  };
  if (pod.requiredNodeAffinity) out.requiredTerms = pod.requiredNodeAffinity.map(term);
  return out;
}

const encodedPods = new WeakMap<PodInfo, EncodedKernelPod>();

/** The pod encoded for the kernel, once per PodInfo (a PodInfo never changes). */
export function encodedKernelPod(pod: PodInfo): EncodedKernelPod {
  let encoded = encodedPods.get(pod);
  if (encoded === undefined) encodedPods.set(pod, (encoded = encodeKernelPod(kernelPod(pod))));
  return encoded;
}
