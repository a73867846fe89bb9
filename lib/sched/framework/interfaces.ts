// One interface per kube-scheduler extension point. A plugin is an object with a `name` and
// the methods of the extension points it implements; the framework finds them by method
// name, as Go finds them by type assertion. `null`/`undefined` statuses mean success.
import type { Pod, ReplicationController, Service } from 'kubernetes-types/core/v1.js';
import type { ReplicaSet, StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import type { Logger } from '../../observe/logger.js';
import type { NodeInfo } from '../node-info.js';
import type { Labels, PodInfo, Snapshot } from '../types.js';
import type { CycleState } from './cycle-state.js';
import type { MaybeStatus, Status } from './status.js';

/** The maximum and minimum score a Score plugin may give after NormalizeScore. */
export const MAX_NODE_SCORE = 100;
export const MIN_NODE_SCORE = 0;

export interface Plugin {
  readonly name: string;
}

/** A pod in the scheduling queue, as QueueSort sees it (framework.QueuedPodInfo). */
export interface QueuedPodInfo {
  podInfo: PodInfo;
  /** When the pod was added to the queue (ms, from the scheduler's clock). */
  timestamp: number;
  attempts: number;
  initialAttemptTimestamp?: number;
  unschedulablePlugins?: Set<string>;
}

/** Cluster events a plugin's rejection can be cured by (EnqueueExtensions). */
export interface ClusterEvent {
  resource: 'Pod' | 'Node' | 'PersistentVolume' | 'PersistentVolumeClaim' | 'StorageClass' | 'Namespace' | '*';
  /** Add, Delete, Update, UpdateNodeAllocatable, UpdateNodeLabel, UpdateNodeTaint, UpdateNodeCondition, UpdatePodLabel, All, ... */
  actionType: readonly string[];
}

export interface EnqueueExtensions extends Plugin {
  eventsToRegister(): readonly ClusterEvent[];
}

export interface PreEnqueuePlugin extends Plugin {
  preEnqueue(podInfo: PodInfo): MaybeStatus;
}

export interface QueueSortPlugin extends Plugin {
  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean;
}

/** PreFilter may narrow the nodes to consider (framework.PreFilterResult.NodeNames). */
export class PreFilterResult {
  constructor(readonly nodeNames: ReadonlySet<string>) {}
}

export interface PreFilterExtensions {
  addPod(state: CycleState, podToSchedule: PodInfo, podToAdd: PodInfo, nodeInfo: NodeInfo): MaybeStatus;
  removePod(state: CycleState, podToSchedule: PodInfo, podToRemove: PodInfo, nodeInfo: NodeInfo): MaybeStatus;
}

export interface PreFilterPlugin extends Plugin {
  /** A Status rejects (or Skips this plugin's Filter); a PreFilterResult narrows the nodes. */
  preFilter(state: CycleState, podInfo: PodInfo, nodes: readonly NodeInfo[]): Status | PreFilterResult | null | undefined;
  preFilterExtensions?(): PreFilterExtensions | undefined;
}

export interface FilterPlugin extends Plugin {
  filter(state: CycleState, podInfo: PodInfo, nodeInfo: NodeInfo): MaybeStatus;
}

export interface PostFilterResult {
  status: Status;
  /** Set by preemption: the node the pod was nominated to ("" clears a nomination). */
  nominatedNodeName?: string;
  /** Set by preemption: the pods evicted from the nominated node to make room. */
  victims?: readonly PodInfo[];
}

export interface PostFilterPlugin extends Plugin {
  postFilter(state: CycleState, podInfo: PodInfo, nodeToStatus: ReadonlyMap<string, Status>): Promise<PostFilterResult>;
}

export interface PreScorePlugin extends Plugin {
  preScore(state: CycleState, podInfo: PodInfo, nodes: readonly NodeInfo[]): MaybeStatus;
}

export interface NodeScore {
  name: string;
  score: number;
}

export interface ScorePlugin extends Plugin {
  /** A score (any range before NormalizeScore, 0..100 after), or a failure Status. */
  score(state: CycleState, podInfo: PodInfo, nodeInfo: NodeInfo): number | Status;
  /** Rewrites the scores in place into 0..100. */
  normalizeScore?(state: CycleState, podInfo: PodInfo, scores: NodeScore[]): MaybeStatus;
}

export interface ReservePlugin extends Plugin {
  reserve(state: CycleState, podInfo: PodInfo, nodeName: string): MaybeStatus;
  unreserve(state: CycleState, podInfo: PodInfo, nodeName: string): void;
}

export interface PermitResult {
  status: MaybeStatus;
  /** For Wait: how long to wait before rejecting. */
  timeoutMs?: number;
}

export interface PermitPlugin extends Plugin {
  permit(state: CycleState, podInfo: PodInfo, nodeName: string): PermitResult;
}

export interface PreBindPlugin extends Plugin {
  preBind(state: CycleState, podInfo: PodInfo, nodeName: string): Promise<MaybeStatus>;
}

export interface BindPlugin extends Plugin {
  /** Skip passes the pod to the next bind plugin. */
  bind(state: CycleState, podInfo: PodInfo, nodeName: string): Promise<MaybeStatus>;
}

export interface PostBindPlugin extends Plugin {
  postBind(state: CycleState, podInfo: PodInfo, nodeName: string): void;
}

/** Pods nominated to nodes by preemption (the scheduling queue implements this). */
export interface PodNominator {
  nominatedPodsForNode(nodeName: string): readonly PodInfo[];
  /** True when at least one pod is nominated anywhere (lets the framework skip per-node look-ups). */
  hasNominatedPods(): boolean;
  addNominatedPod(podInfo: PodInfo, nodeName: string): void;
  deleteNominatedPodIfExists(pod: Pod): void;
}

/**
 * Services and workload controllers as informers see them: PodTopologySpread's default
 * constraints select the pods of the same Service, ReplicationController, ReplicaSet or
 * StatefulSet (helper.DefaultSelector).
 */
export interface WorkloadLister {
  services(namespace: string): readonly Service[];
  replicationController(namespace: string, name: string): ReplicationController | undefined;
  replicaSet(namespace: string, name: string): ReplicaSet | undefined;
  statefulSet(namespace: string, name: string): StatefulSet | undefined;
}

/** Binds a pod to a node through the API (POST pods/binding); rejects on failure. */
export type Binder = (podInfo: PodInfo, nodeName: string) => Promise<void>;

/** What the scheduler service hands to every framework it builds. */
export interface HandleDeps {
  binder: Binder;
  nominator?: PodNominator;
  /** Deletes a preemption victim of `preemptor` through the API (marking it DisruptionTarget first). */
  deletePod?: (podInfo: PodInfo, reason: string, preemptor?: PodInfo) => Promise<void>;
  /** Clears status.nominatedNodeName of a pod through the API. */
  clearNominatedNodeName?: (podInfo: PodInfo) => Promise<void>;
  /** Labels of a namespace (for namespaceSelector in pod affinity terms). */
  namespaceLabels?: (namespace: string) => Labels | undefined;
  /** PodDisruptionBudgets (preemption spares the pods they protect); without it none apply. */
  podDisruptionBudgets?: () => readonly PodDisruptionBudget[];
  /** Services and controllers (for PodTopologySpread's default constraints); without it they never apply. */
  workloads?: WorkloadLister;
  /** Milliseconds; defaults to Date.now. */
  clock?: () => number;
  /** A source of uniform numbers in [0, 1) for tie-breaking; defaults to Math.random. */
  random?: () => number;
  logger?: Logger;
}

/** framework.Handle: what plugins may reach beyond their arguments. */
export interface FrameworkHandle {
  /** The snapshot of the cycle in progress (set by findNodes). */
  snapshot(): Snapshot;
  readonly binder: Binder;
  readonly nominator: PodNominator | undefined;
  readonly deps: HandleDeps;
  readonly clock: () => number;
  /** The framework of the profile (for preemption's filter runs); set once built. */
  readonly framework: FrameworkRunner;
  /** Pods waiting at Permit. */
  getWaitingPod(uid: string): WaitingPod | undefined;
}

export interface WaitingPod {
  readonly podInfo: PodInfo;
  allow(plugin: string): void;
  reject(plugin: string, message: string): void;
}

/** The part of Framework preemption needs (kept here to avoid an import cycle). */
export interface FrameworkRunner {
  readonly profileName: string;
  runPreFilterExtensionAddPod(state: CycleState, podToSchedule: PodInfo, podToAdd: PodInfo, nodeInfo: NodeInfo): Status;
  runPreFilterExtensionRemovePod(state: CycleState, podToSchedule: PodInfo, podToRemove: PodInfo, nodeInfo: NodeInfo): Status;
  runFilterPlugins(state: CycleState, podInfo: PodInfo, nodeInfo: NodeInfo): Status;
  runFilterPluginsWithNominatedPods(state: CycleState, podInfo: PodInfo, nodeInfo: NodeInfo): Status;
  runPreFilterPlugins(state: CycleState, podInfo: PodInfo, nodes: readonly NodeInfo[]): { status: Status; nodeNames?: ReadonlySet<string> };
}

export function isPreEnqueue(p: Plugin): p is PreEnqueuePlugin {
  return typeof (p as Partial<PreEnqueuePlugin>).preEnqueue === 'function';
}
export function isQueueSort(p: Plugin): p is QueueSortPlugin {
  return typeof (p as Partial<QueueSortPlugin>).less === 'function';
}
export function isPreFilter(p: Plugin): p is PreFilterPlugin {
  return typeof (p as Partial<PreFilterPlugin>).preFilter === 'function';
}
export function isFilter(p: Plugin): p is FilterPlugin {
  return typeof (p as Partial<FilterPlugin>).filter === 'function';
}
export function isPostFilter(p: Plugin): p is PostFilterPlugin {
  return typeof (p as Partial<PostFilterPlugin>).postFilter === 'function';
}
export function isPreScore(p: Plugin): p is PreScorePlugin {
  return typeof (p as Partial<PreScorePlugin>).preScore === 'function';
}
export function isScore(p: Plugin): p is ScorePlugin {
  return typeof (p as Partial<ScorePlugin>).score === 'function';
}
export function isReserve(p: Plugin): p is ReservePlugin {
  return typeof (p as Partial<ReservePlugin>).reserve === 'function';
}
export function isPermit(p: Plugin): p is PermitPlugin {
  return typeof (p as Partial<PermitPlugin>).permit === 'function';
}
export function isPreBind(p: Plugin): p is PreBindPlugin {
  return typeof (p as Partial<PreBindPlugin>).preBind === 'function';
}
export function isBind(p: Plugin): p is BindPlugin {
  return typeof (p as Partial<BindPlugin>).bind === 'function';
}
export function isPostBind(p: Plugin): p is PostBindPlugin {
  return typeof (p as Partial<PostBindPlugin>).postBind === 'function';
}
export function isEnqueueExtensions(p: Plugin): p is EnqueueExtensions {
  return typeof (p as Partial<EnqueueExtensions>).eventsToRegister === 'function';
}
