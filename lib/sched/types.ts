// The scheduler's view of pods and nodes: what kube-scheduler keeps in framework.PodInfo,
// framework.NodeInfo and its cache snapshot, computed once from kubernetes-types objects so
// that filter and score loops read plain fields.
import type { Pod, Taint, Toleration, TopologySpreadConstraint } from 'kubernetes-types/core/v1.js';
import type { LabelSelector } from '../api/selectors/label-selector.js';
import type { CompiledTerm, WeightedTerm } from './node-selector.js';
import type { Resources } from './resources.js';
import type { NodeInfo } from './node-info.js';

export type { Resources } from './resources.js';
export { NodeInfo, UsedPorts, type ImageStateSummary } from './node-info.js';
export { podInfoFromPod } from './pod-info.js';

export type Labels = Readonly<Record<string, string>>;

/** A pod host port as the scheduler compares them: ip "" means 0.0.0.0, protocol defaults to TCP. */
export interface HostPort {
  readonly ip: string;
  readonly protocol: string;
  readonly port: number;
}

/** A pod (anti-)affinity term, parsed (framework.AffinityTerm). */
export interface AffinityTerm {
  /** Namespaces named by the term; the pod's own when neither namespaces nor namespaceSelector is set. */
  readonly namespaces: ReadonlySet<string>;
  /** Matches nothing when the term had no namespaceSelector. */
  readonly namespaceSelector: LabelSelector;
  readonly selector: LabelSelector;
  readonly topologyKey: string;
}

export interface WeightedAffinityTerm extends AffinityTerm {
  readonly weight: number;
}

/**
 * Everything the scheduler needs from one pod, computed once (framework.PodInfo plus the
 * parsed fields plugins would otherwise recompute per node). Never mutated after creation:
 * a changed pod gets a new PodInfo.
 */
export interface PodInfo {
  readonly pod: Pod;
  /** namespace/name */
  readonly key: string;
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  /** spec.priority ?? 0 */
  readonly priority: number;
  /** PodRequests: max(sum of containers, each init container) + overhead. */
  readonly requests: Resources;
  /** The same with 100m cpu / 200Mi memory for containers that omit them (scoring only). */
  readonly nonZeroRequests: Resources;
  /** Container ports with hostPort > 0. */
  readonly hostPorts: readonly HostPort[];
  readonly tolerations: readonly Toleration[];
  /** spec.nodeSelector */
  readonly nodeSelector: Labels;
  /** requiredDuringSchedulingIgnoredDuringExecution terms (ORed); undefined when absent. */
  readonly requiredNodeAffinity: readonly CompiledTerm[] | undefined;
  readonly preferredNodeAffinity: readonly WeightedTerm[];
  readonly requiredAffinityTerms: readonly AffinityTerm[];
  readonly requiredAntiAffinityTerms: readonly AffinityTerm[];
  readonly preferredAffinityTerms: readonly WeightedAffinityTerm[];
  readonly preferredAntiAffinityTerms: readonly WeightedAffinityTerm[];
  /** True when spec.affinity has podAffinity or podAntiAffinity. */
  readonly hasPodAffinity: boolean;
  readonly topologySpreadConstraints: readonly TopologySpreadConstraint[];
  readonly schedulingGates: readonly string[];
  /** Init container and container images, normalised with ":latest" when untagged. */
  readonly images: readonly string[];
  /** spec.nodeName ("" when unbound). */
  readonly nodeName: string;
}

/**
 * A consistent view of the cluster for one scheduling cycle (kube-scheduler's cache
 * Snapshot). `nodes` keeps a stable order between cycles; it changes only when nodes are
 * added or removed, and `nodeListGeneration` then changes too.
 */
export interface Snapshot {
  readonly nodes: readonly NodeInfo[];
  get(name: string): NodeInfo | undefined;
  /** Nodes with at least one pod that has pod affinity or anti-affinity. */
  readonly havePodsWithAffinity: readonly NodeInfo[];
  /** Nodes with at least one pod that has required anti-affinity. */
  readonly havePodsWithRequiredAntiAffinity: readonly NodeInfo[];
  /** Bumped whenever the node list (membership or order) changes. */
  readonly nodeListGeneration: number;
}

export type { Taint };
