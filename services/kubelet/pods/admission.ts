// The kubelet's own admission of a pod bound to its node (the lifecycle predicate admit handler):
// the node's labels must satisfy the pod's nodeSelector and required node affinity, its host ports
// must be free, NoExecute taints tolerated, and its requests must fit in the node's allocatable
// beside the pods already admitted. A refused pod is Failed with Kubernetes' reason
// (OutOfcpu, OutOfmemory, OutOfpods, NodeAffinity, NodePorts, TaintToleration).
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { compileNodeSelector, nodeSelectorMatches } from '../../../lib/sched/node-selector.js';
import { podInfoFromPod } from '../../../lib/sched/pod-info.js';
import { podRequests, resourcesFromList, type Resources } from '../../../lib/sched/resources.js';
import { findUntoleratedTaint } from '../../../lib/sched/taints.js';

export interface AdmitResult {
  admit: boolean;
  reason?: string;
  message?: string;
}

const ADMIT: AdmitResult = { admit: true };

function predicateFailure(name: string, description: string): AdmitResult {
  return { admit: false, reason: name, message: `Predicate ${name} failed: ${description}` };
}

function insufficient(resource: string, requested: number, used: number, capacity: number): AdmitResult {
  return { admit: false, reason: `OutOf${resource}`, message: `Node didn't have enough resource: ${resource}, requested: ${requested}, used: ${used}, capacity: ${capacity}` };
}

function matchesNode(pod: Pod, node: Node): boolean {
  const labels = node.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(pod.spec?.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  return !required || nodeSelectorMatches(compileNodeSelector(required), labels, node.metadata?.name ?? '');
}

function portKey(p: { ip: string; protocol: string; port: number }): string {
  return `${p.protocol}/${p.port}`;
}

function portsConflict(pod: Pod, admitted: readonly Pod[]): boolean {
  const wanted = podInfoFromPod(pod).hostPorts;
  if (wanted.length === 0) return false;
  for (const other of admitted) {
    for (const used of podInfoFromPod(other).hostPorts) {
      for (const p of wanted) {
        if (portKey(p) !== portKey(used)) continue;
        if (p.ip === used.ip || p.ip === '0.0.0.0' || used.ip === '0.0.0.0') return true;
      }
    }
  }
  return false;
}

function fits(pod: Pod, node: Node, admitted: readonly Pod[]): AdmitResult {
  const allocatable = resourcesFromList(node.status?.allocatable as Record<string, unknown> | undefined);
  const maxPods = allocatable.allowedPodNumber ?? 110;
  if (admitted.length + 1 > maxPods) return insufficient('pods', 1, admitted.length, maxPods);
  const requested = podRequests(pod);
  const used: Resources = { milliCpu: 0, memory: 0, ephemeralStorage: 0, scalar: {} };
  for (const other of admitted) {
    const r = podRequests(other);
    used.milliCpu += r.milliCpu;
    used.memory += r.memory;
    used.ephemeralStorage += r.ephemeralStorage;
    for (const name in r.scalar) used.scalar[name] = (used.scalar[name] ?? 0) + r.scalar[name]!;
  }
  if (requested.milliCpu > 0 && used.milliCpu + requested.milliCpu > allocatable.milliCpu) return insufficient('cpu', requested.milliCpu, used.milliCpu, allocatable.milliCpu);
  if (requested.memory > 0 && used.memory + requested.memory > allocatable.memory) return insufficient('memory', requested.memory, used.memory, allocatable.memory);
  if (requested.ephemeralStorage > 0 && used.ephemeralStorage + requested.ephemeralStorage > allocatable.ephemeralStorage) {
    return insufficient('ephemeral-storage', requested.ephemeralStorage, used.ephemeralStorage, allocatable.ephemeralStorage);
  }
  for (const name in requested.scalar) {
    const want = requested.scalar[name]!;
    const have = allocatable.scalar[name] ?? 0;
    if (want > 0 && (used.scalar[name] ?? 0) + want > have) return insufficient(name, want, used.scalar[name] ?? 0, have);
  }
  return ADMIT;
}

/** Decides whether `pod` may run on `node` beside the pods already `admitted` (still running there). */
export function admitPod(pod: Pod, node: Node, admitted: readonly Pod[]): AdmitResult {
  if (!matchesNode(pod, node)) return predicateFailure('NodeAffinity', "node(s) didn't match Pod's node affinity/selector");
  if (portsConflict(pod, admitted)) return predicateFailure('NodePorts', "node(s) didn't have free ports for the requested pod ports");
  const taint = findUntoleratedTaint(node.spec?.taints ?? [], pod.spec?.tolerations ?? [], (t) => t.effect === 'NoExecute');
  if (taint) return predicateFailure('TaintToleration', `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`);
  return fits(pod, node, admitted);
}
