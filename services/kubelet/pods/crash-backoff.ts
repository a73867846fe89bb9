// CrashLoopBackOff as the kubelet keeps it: the first restart of a container is immediate, each
// further one waits 10 s, then twice as long, up to 5 minutes; a container that ran for twice the
// maximum without failing starts over at 10 s.
export const INITIAL_BACKOFF_MS = 10_000;
export const MAX_BACKOFF_MS = 300_000;

interface Entry {
  backoffMs: number;
  /** When the container last finished (the wait counts from there). */
  since: number;
}

export class CrashBackoff {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly initialMs = INITIAL_BACKOFF_MS,
    private readonly maxMs = MAX_BACKOFF_MS,
  ) {}

  /** Milliseconds the container must still wait before its restart (0: restart now). */
  remaining(key: string, finishedAt: number, now: number): number {
    const entry = this.entries.get(key);
    if (!entry) return 0;
    if (finishedAt - entry.since > 2 * this.maxMs) {
      this.entries.delete(key);
      return 0;
    }
    return Math.max(0, finishedAt + entry.backoffMs - now);
  }

  /** The current back-off of a container, for the CrashLoopBackOff message. */
  current(key: string): number {
    return this.entries.get(key)?.backoffMs ?? this.initialMs;
  }

  /** Records a restart: the next one waits longer. */
  restarted(key: string, finishedAt: number): void {
    const entry = this.entries.get(key);
    const backoffMs = entry ? Math.min(entry.backoffMs * 2, this.maxMs) : this.initialMs;
    this.entries.set(key, { backoffMs, since: finishedAt });
  }

  /** Forgets every container of a pod. */
  forgetPod(uid: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(`${uid}/`)) this.entries.delete(key);
  }
}
