// The delay before a Job replaces failed pods, as Kubernetes' job controller keeps it per Job in
// memory: 10 s after one failure since the last success, doubled for each further one, at most
// 10 minutes, counted from when the last failed pod finished (its containers' finishedAt, else
// its Ready=False transition, its deletion, its creation).
import type { Pod } from 'kubernetes-types/core/v1.js';

export const POD_FAILURE_BACKOFF_MS = 10_000;
export const MAX_POD_FAILURE_BACKOFF_MS = 10 * 60_000;

interface Record {
  failuresAfterLastSuccess: number;
  lastFailureMs: number;
}

/** When a pod finished (ms since the epoch). */
export function finishedAt(pod: Pod): number {
  const containers = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])];
  const times = containers.map((c) => Date.parse(c.state?.terminated?.finishedAt ?? '')).filter(Number.isFinite);
  if (times.length > 0) return Math.max(...times);
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'False');
  const candidates = [ready?.lastTransitionTime, pod.metadata?.deletionTimestamp, pod.metadata?.creationTimestamp];
  for (const text of candidates) {
    const ms = Date.parse(text ?? '');
    if (Number.isFinite(ms)) return ms;
  }
  return 0;
}

export class PodFailureBackoff {
  private readonly records = new Map<string, Record>();

  /** Takes note of pods newly counted as succeeded or failed. */
  observe(jobKey: string, succeeded: readonly Pod[], failed: readonly Pod[]): void {
    if (succeeded.length === 0 && failed.length === 0) return;
    const previous = this.records.get(jobKey) ?? { failuresAfterLastSuccess: 0, lastFailureMs: 0 };
    const lastSuccess = succeeded.length ? Math.max(...succeeded.map(finishedAt)) : -Infinity;
    const failures = failed.map(finishedAt).filter((t) => t > lastSuccess);
    const record: Record = {
      failuresAfterLastSuccess: (succeeded.length ? 0 : previous.failuresAfterLastSuccess) + failures.length,
      lastFailureMs: Math.max(succeeded.length ? 0 : previous.lastFailureMs, ...failures),
    };
    this.records.set(jobKey, record);
  }

  /** How long the Job must still wait before creating pods (0: it may now). */
  remainingMs(jobKey: string, nowMs: number): number {
    const record = this.records.get(jobKey);
    if (!record || record.failuresAfterLastSuccess === 0) return 0;
    const backoff = Math.min(POD_FAILURE_BACKOFF_MS * 2 ** (record.failuresAfterLastSuccess - 1), MAX_POD_FAILURE_BACKOFF_MS);
    return Math.max(0, backoff - (nowMs - record.lastFailureMs));
  }

  delete(jobKey: string): void {
    this.records.delete(jobKey);
  }
}
