// What a pod worker asks of the runtime, computed as the kubelet's computePodActions does: init
// containers one at a time in order (sidecars, restartPolicy Always init containers, started and
// kept running), then every container; a container that exited is restarted as the pod's
// restartPolicy says, after its CrashLoopBackOff wait.
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { ContainerKill, ContainerObservation, PodObservation, PodSyncPlan } from '../runtime/pod-runtime.js';
import type { CrashBackoff } from './crash-backoff.js';

export interface Waiting {
  reason: string;
  message?: string;
}

export interface PlanDecision {
  plan: PodSyncPlan;
  /** Containers held back, with the waiting reason they show. */
  waiting: Map<string, Waiting>;
  /** Set when nothing will run again: the pod has reached Succeeded or Failed. */
  terminal?: 'Succeeded' | 'Failed';
  /** The soonest a held-back container may restart (ms from now); undefined when none waits. */
  retryInMs?: number;
}

export function restartPolicyOf(pod: Pod): 'Always' | 'OnFailure' | 'Never' {
  const policy = pod.spec?.restartPolicy;
  return policy === 'OnFailure' || policy === 'Never' ? policy : 'Always';
}

function shouldRestart(policy: 'Always' | 'OnFailure' | 'Never', container: ContainerObservation): boolean {
  if (policy === 'Always') return true;
  if (policy === 'OnFailure') return (container.exitCode ?? 0) !== 0;
  return false;
}

export function backoffKey(uid: string, name: string): string {
  return `${uid}/${name}`;
}

export interface PlanInput {
  pod: Pod;
  observed: PodObservation | undefined;
  backoff: CrashBackoff;
  now: number;
  /** Running containers a failed liveness or startup probe kills (restarted later per restartPolicy). */
  unhealthy?: readonly ContainerKill[];
}

export function computePlan({ pod, observed, backoff, now, unhealthy = [] }: PlanInput): PlanDecision {
  const uid = pod.metadata?.uid ?? '';
  const podName = `${pod.metadata?.name ?? ''}_${pod.metadata?.namespace ?? ''}(${uid})`;
  const policy = restartPolicyOf(pod);
  const byName = new Map((observed?.containers ?? []).map((c) => [c.name, c]));
  const plan: PodSyncPlan = { ensureSandbox: !observed?.sandbox?.ready, kill: [], start: [] };
  const waiting = new Map<string, Waiting>();
  const decision: PlanDecision = { plan, waiting };
  /** A running container whose probe failed is killed; true when it was. */
  const killUnhealthy = (current: ContainerObservation): boolean => {
    const kill = unhealthy.find((k) => k.name === current.name);
    if (!kill || current.state !== 'running') return false;
    plan.kill.push({ name: kill.name, gracePeriodSeconds: kill.gracePeriodSeconds, reason: kill.reason });
    return true;
  };

  const tryRestart = (spec: Container, previous: ContainerObservation): boolean => {
    const key = backoffKey(uid, spec.name);
    const wait = backoff.remaining(key, previous.finishedAt ?? now, now);
    if (wait > 0) {
      const seconds = Math.round(backoff.current(key) / 1000);
      waiting.set(spec.name, { reason: 'CrashLoopBackOff', message: `back-off ${formatBackoff(seconds)} restarting failed container=${spec.name} pod=${podName}` });
      decision.retryInMs = Math.min(decision.retryInMs ?? Infinity, wait);
      return false;
    }
    backoff.restarted(key, previous.finishedAt ?? now);
    plan.start.push(spec.name);
    return true;
  };

  // 1. init containers, in order
  for (const spec of pod.spec?.initContainers ?? []) {
    const current = byName.get(spec.name);
    const sidecar = spec.restartPolicy === 'Always';
    if (!current) {
      plan.start.push(spec.name);
      return decision;
    }
    if (current.state === 'created') return decision;
    if (current.state === 'running') {
      if (sidecar) {
        // the next init container waits until the sidecar has started (its startup probe succeeded)
        if (!killUnhealthy(current) && current.started === false) return decision;
        continue;
      }
      return decision;
    }
    if (current.state !== 'exited') return decision;
    if (sidecar) {
      tryRestart(spec, current);
      continue;
    }
    if (current.exitCode === 0) continue;
    if (policy === 'Never') {
      decision.terminal = 'Failed';
      plan.ensureSandbox = false;
      return decision;
    }
    tryRestart(spec, current);
    return decision;
  }

  // 2. the containers
  let finished = 0;
  let failed = 0;
  const containers = pod.spec?.containers ?? [];
  for (const spec of containers) {
    const current = byName.get(spec.name);
    if (!current) {
      plan.start.push(spec.name);
      continue;
    }
    if (killUnhealthy(current) || current.state !== 'exited') continue;
    if (shouldRestart(policy, current)) {
      tryRestart(spec, current);
      continue;
    }
    finished++;
    if ((current.exitCode ?? 0) !== 0) failed++;
  }
  if (containers.length > 0 && finished === containers.length) {
    decision.terminal = failed > 0 ? 'Failed' : 'Succeeded';
    plan.ensureSandbox = false;
    plan.start = [];
  }
  return decision;
}

/** Go's time.Duration formatting of whole seconds: 10s, 1m20s, 5m0s. */
function formatBackoff(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  return `${Math.floor(seconds / 60)}m${seconds % 60}s`;
}
