// The boundary between the kubelet's core (admission, pod workers, status, PLEG, node status) and
// what runs a node's pods: containers through CRI, or simulated ones. One PodRuntime serves ONE
// node; a process hosting many simulated nodes holds one instance per node.
//
// Contract
// - Who calls: the kubelet core only. Calls for one pod are serialised by that pod's worker
//   (never two of syncPod/killPod/removePod for the same uid at once); calls for different pods,
//   relist() and the node-level methods may run concurrently with them.
// - Decisions stay in the core: which containers to start or kill and when (init order,
//   restartPolicy, CrashLoopBackOff, probes, grace periods) is the kubelet's plan; the runtime
//   carries the plan out and reports what it observes. It never restarts a container on its own.
// - Observations are the runtime's truth, not the apiserver's: after a kubelet restart, relist()
//   must report the pods still running so the core adopts them (same ids, same startedAt)
//   instead of starting them again.
// - Times are milliseconds since the epoch on the kubelet's clock. Ids are what Kubernetes shows
//   ("<runtime>://<id>" for containers, an image reference for imageRef).
// - Failures of a pod's containers come back as data (PodSyncResult.failures) with Kubernetes'
//   waiting reasons; a rejected promise means the runtime itself failed (unreachable, closed),
//   and the core retries the whole sync later.
// - onChange is a hint that lets status follow the runtime without waiting for the next relist;
//   the core still relists periodically, so a runtime may never call it.
import type { Pod } from 'kubernetes-types/core/v1.js';

/** Reported in the Node's nodeInfo.containerRuntimeVersion as `<name>://<version>`. */
export interface RuntimeVersion {
  runtimeName: string;
  runtimeVersion: string;
}

/** Whether the runtime can run pods now; a not-ready runtime makes the Node NotReady. */
export interface RuntimeHealth {
  ready: boolean;
  /** Why not, in one sentence (shown in the Ready condition's message). */
  message?: string;
}

export type ContainerRunState = 'created' | 'running' | 'exited' | 'unknown';

/** The latest instance of one container of a pod (init and regular containers alike). */
export interface ContainerObservation {
  /** The container's name in the pod spec. */
  name: string;
  /** `<runtime>://<id>`, as containerStatuses[].containerID shows it. */
  id: string;
  /** The image as the spec named it. */
  image: string;
  /** The image actually run (containerStatuses[].imageID). */
  imageRef: string;
  /** How many times this container was started before this instance (the restartCount). */
  attempt: number;
  state: ContainerRunState;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  /** Set once state is 'exited'. */
  exitCode?: number;
  /** Kubernetes' terminated reason when exited: 'Completed', 'Error', 'OOMKilled', ... */
  reason?: string;
  message?: string;
  /**
   * The runtime's own readiness verdict, when it has one (a runtime that simulates probes).
   * Undefined: the kubelet's probes decide (no readiness probe: ready while running).
   */
  ready?: boolean;
  /** The startup probe's verdict (set by the kubelet's probes); undefined: started while running. */
  started?: boolean;
}

/** The pod's sandbox: its network identity. */
export interface SandboxObservation {
  id: string;
  ready: boolean;
  createdAt: number;
  /** The pod's IPs, primary first; empty for host-network pods (the core uses the node's). */
  ips: string[];
}

export interface PodObservation {
  uid: string;
  name: string;
  namespace: string;
  /** The current sandbox; undefined when none exists. */
  sandbox?: SandboxObservation;
  /** The latest instance of every container that exists, in no particular order. */
  containers: ContainerObservation[];
}

export interface ContainerKill {
  name: string;
  gracePeriodSeconds: number;
  /** Why (logged and recorded): 'Unhealthy', 'SpecChanged', ... */
  reason: string;
}

/** What the core wants done to one pod now. */
export interface PodSyncPlan {
  /** Create the sandbox (a new one if the current one is not ready). */
  ensureSandbox: boolean;
  /** Stop these containers first, each within its grace period. */
  kill: ContainerKill[];
  /**
   * Create and start these containers, by spec name (initContainers or containers), in order;
   * the runtime stops at the first that fails and reports it. A container that exited is
   * started again as a new instance with attempt + 1.
   */
  start: string[];
}

/** A container or sandbox the runtime could not create or start. */
export interface SyncFailure {
  /** The container's name; undefined for the sandbox. */
  container?: string;
  /** Kubernetes' reason: ErrImagePull, ErrImageNeverPull, CreateContainerConfigError, CreateContainerError, RunContainerError, FailedCreatePodSandBox, ... */
  reason: string;
  message: string;
}

export interface PodSyncResult {
  observed: PodObservation;
  failures: SyncFailure[];
}

/** A pod to kill: the spec when the core still has it (for preStop hooks and per-container grace). */
export interface PodKillTarget {
  uid: string;
  name: string;
  namespace: string;
  pod?: Pod;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** An image on the node (node.status.images). */
export interface NodeImage {
  names: string[];
  sizeBytes: number;
}

export interface PodRuntime {
  version(): Promise<RuntimeVersion>;
  health(): Promise<RuntimeHealth>;
  /**
   * The node's pod CIDRs, told once known and on change. A runtime that hands out pod IPs
   * (the simulated one; containerd's CNI through its runtime config) allocates from them.
   */
  setPodCIDRs(cidrs: string[]): Promise<void>;
  /** Carries out the plan for a pod the core admitted, then reports what exists. */
  syncPod(pod: Pod, plan: PodSyncPlan): Promise<PodSyncResult>;
  /**
   * Stops every container (preStop hooks, SIGTERM, SIGKILL once `gracePeriodSeconds` passed),
   * then the sandbox. Resolves once nothing of the pod runs. Idempotent.
   */
  killPod(target: PodKillTarget, gracePeriodSeconds: number): Promise<void>;
  /** Forgets a killed pod: removes its containers, sandbox and logs. Idempotent. */
  removePod(uid: string): Promise<void>;
  /** What exists of one pod now; undefined when nothing does. */
  podStatus(uid: string): Promise<PodObservation | undefined>;
  /** Every pod the runtime holds, running or not (the PLEG's relist). */
  relist(): Promise<PodObservation[]>;
  /** Calls `listener` with a pod's uid when its state changed on its own. Returns how to stop. */
  onChange(listener: (uid: string) => void): () => void;
  /** Runs a command in a running container (exec probes); undefined where not supported. */
  execSync?(uid: string, container: string, command: string[], timeoutSeconds: number): Promise<ExecResult>;
  /**
   * Resources the runtime measures itself, as Kubernetes quantities (ephemeral-storage from the
   * image filesystem, ...). The core takes them over the host's and under the flags'.
   */
  capacity?(): Promise<Record<string, string>>;
  /** The node's images; undefined where the runtime has none to report. */
  images?(): Promise<NodeImage[]>;
  close(): Promise<void>;
}
