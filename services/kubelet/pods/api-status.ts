// The pod status the kubelet reports (generateAPIPodStatus): phase, the kubelet's conditions
// (PodReadyToStartContainers, Initialized, Ready, ContainersReady; PodScheduled kept), container
// statuses with state, lastState, restartCount, image ids, pod and host IPs and startTime.
import type { Container, ContainerState, ContainerStatus, Pod, PodCondition, PodStatus } from 'kubernetes-types/core/v1.js';
import type { ContainerObservation, PodObservation } from '../runtime/pod-runtime.js';
import type { Waiting } from './sync-plan.js';

/** Kubernetes' metav1.Time: seconds precision, UTC. */
export function apiTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export interface StatusInput {
  pod: Pod;
  observed: PodObservation | undefined;
  waiting: ReadonlyMap<string, Waiting>;
  /** The terminated state of each container's previous instance (lastState), by name. */
  lastTerminated: ReadonlyMap<string, ContainerState>;
  /** Set once the pod can never run again (restartPolicy), or when its deletion stopped everything. */
  terminal?: 'Succeeded' | 'Failed';
  /** The pod is being deleted and nothing of it runs anymore. */
  stopped: boolean;
  hostIP: string;
  startTime: number;
  now: number;
}

const KUBELET_CONDITIONS = new Set(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady']);

function containerState(c: ContainerObservation | undefined, waiting: Waiting | undefined, notCreated: string): ContainerState {
  if (waiting) return { waiting: { reason: waiting.reason, ...(waiting.message ? { message: waiting.message } : {}) } };
  if (!c) return { waiting: { reason: notCreated } };
  if (c.state === 'created' || c.state === 'unknown') return { waiting: { reason: 'ContainerCreating' } };
  if (c.state === 'running') return { running: { startedAt: apiTime(c.startedAt ?? c.createdAt) } };
  return terminatedState(c);
}

/** An exited container's state, as lastState shows it once the container restarted. */
export function terminatedState(c: ContainerObservation): ContainerState {
  return {
    terminated: {
      exitCode: c.exitCode ?? 0,
      ...(c.reason ? { reason: c.reason } : {}),
      ...(c.message ? { message: c.message } : {}),
      startedAt: apiTime(c.startedAt ?? c.createdAt),
      finishedAt: apiTime(c.finishedAt ?? c.createdAt),
      containerID: c.id,
    },
  };
}

/** `notCreated`: the waiting reason of a container not created yet (PodInitializing in a pod with init containers). */
function containerStatus(spec: Container, c: ContainerObservation | undefined, input: StatusInput, notCreated = 'ContainerCreating'): ContainerStatus {
  const waiting = input.waiting.get(spec.name);
  const state = containerState(c, waiting, notCreated);
  const running = c?.state === 'running' && !waiting;
  const ready = running && !input.stopped ? (c?.ready ?? true) : false;
  const status: ContainerStatus = {
    name: spec.name,
    state,
    lastState: input.lastTerminated.get(spec.name) ?? {},
    ready,
    restartCount: c?.attempt ?? 0,
    image: spec.image ?? '',
    imageID: c?.imageRef ?? '',
    started: running && (c?.started ?? true),
  };
  if (c) status.containerID = c.id;
  return status;
}

function condition(type: string, ok: boolean, previous: readonly PodCondition[] | undefined, now: number, reason?: string, message?: string): PodCondition {
  const status = ok ? 'True' : 'False';
  const before = previous?.find((p) => p.type === type);
  const out: PodCondition = { type, status, lastTransitionTime: before?.status === status && before.lastTransitionTime ? before.lastTransitionTime : apiTime(now) };
  if (reason) out.reason = reason;
  if (message) out.message = message;
  return out;
}

function phaseOf(input: StatusInput, statuses: ContainerStatus[], initDone: boolean): string {
  if (input.terminal) return input.terminal;
  if (!initDone) return 'Pending';
  let waiting = 0;
  let running = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const s of statuses) {
    if (s.state?.running) running++;
    else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.lastState?.terminated) stopped++;
    else waiting++;
  }
  if (input.stopped) return stopped === succeeded ? 'Succeeded' : 'Failed';
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    const policy = input.pod.spec?.restartPolicy ?? 'Always';
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

export function generatePodStatus(input: StatusInput): PodStatus {
  const { pod, observed, now } = input;
  const previous = pod.status?.conditions;
  const byName = new Map((observed?.containers ?? []).map((c) => [c.name, c]));
  const initSpecs = pod.spec?.initContainers ?? [];
  const initStatuses = initSpecs.map((spec) => containerStatus(spec, byName.get(spec.name), input));
  const notCreated = initSpecs.length > 0 ? 'PodInitializing' : 'ContainerCreating';
  const statuses = (pod.spec?.containers ?? []).map((spec) => containerStatus(spec, byName.get(spec.name), input, notCreated));
  const incompleteInit = initSpecs
    .filter((spec, i) => {
      const s = initStatuses[i]!;
      if (spec.restartPolicy === 'Always') return !s.started;
      return s.state?.terminated?.exitCode !== 0;
    })
    .map((spec) => spec.name);
  const initDone = incompleteInit.length === 0;
  const phase = phaseOf(input, statuses, initDone);
  const completed = phase === 'Succeeded' || phase === 'Failed';

  const unready = statuses.filter((s) => !s.ready).map((s) => s.name);
  const sidecarsUnready = initSpecs.filter((spec, i) => spec.restartPolicy === 'Always' && !initStatuses[i]!.ready).map((spec) => spec.name);
  const allUnready = [...sidecarsUnready, ...unready];
  const containersReady = allUnready.length === 0 && !completed;
  const readyReason = completed ? 'PodCompleted' : 'ContainersNotReady';
  const readyMessage = completed ? undefined : `containers with unready status: [${allUnready.join(' ')}]`;
  const sandboxReady = observed?.sandbox?.ready === true && !completed;

  const conditions: PodCondition[] = [
    condition('PodReadyToStartContainers', sandboxReady, previous, now),
    condition('Initialized', initDone, previous, now, initDone ? undefined : 'ContainersNotInitialized', initDone ? undefined : `containers with incomplete status: [${incompleteInit.join(' ')}]`),
    condition('Ready', containersReady, previous, now, containersReady ? undefined : readyReason, containersReady ? undefined : readyMessage),
    condition('ContainersReady', containersReady, previous, now, containersReady ? undefined : readyReason, containersReady ? undefined : readyMessage),
  ];
  for (const c of previous ?? []) if (!KUBELET_CONDITIONS.has(c.type)) conditions.push(c);
  // A pod bound by its creator (spec.nodeName set) has no PodScheduled yet: the kubelet adds it.
  if (!conditions.some((c) => c.type === 'PodScheduled')) conditions.push({ type: 'PodScheduled', status: 'True', lastTransitionTime: apiTime(now) });

  const status: PodStatus = {
    ...pod.status,
    phase,
    conditions,
    hostIP: input.hostIP,
    hostIPs: [{ ip: input.hostIP }],
    startTime: pod.status?.startTime ?? apiTime(input.startTime),
    containerStatuses: statuses,
  };
  if (initStatuses.length > 0) status.initContainerStatuses = initStatuses;
  const ips = pod.spec?.hostNetwork ? [input.hostIP] : (observed?.sandbox?.ips ?? []);
  if (ips.length > 0) {
    status.podIP = ips[0];
    status.podIPs = ips.map((ip) => ({ ip }));
  }
  return status;
}

/** A pod the kubelet refused at admission: Failed, with the reason and "Pod was rejected: ...". */
export function rejectedPodStatus(pod: Pod, reason: string, message: string): PodStatus {
  return { ...pod.status, phase: 'Failed', reason, message: `Pod was rejected: ${message}` };
}
