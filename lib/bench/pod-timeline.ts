// Every pod of a bench run as a watch saw it: when it was asked for (the create request, or the
// first watch event for pods a controller made), when it was bound to a node and when it was
// first Running. Pod startup latency and scheduling throughput are read from it, as
// clusterloader2's PodStartupLatency and SchedulingThroughput read theirs from watch timelines.
import type { Pod } from 'kubernetes-types/core/v1.js';

export interface PodRecord {
  namespace: string;
  name: string;
  createdMs: number;
  boundMs: number | undefined;
  runningMs: number | undefined;
  /** Deleted, or being deleted (deletionTimestamp set). */
  gone: boolean;
}

export interface PodCounts {
  live: number;
  bound: number;
  running: number;
}

const key = (namespace: string, name: string): string => `${namespace}/${name}`;

export class PodTimeline {
  private readonly pods = new Map<string, PodRecord>();
  private readonly requested = new Map<string, number>();

  constructor(private readonly now: () => number) {}

  /** The bench is about to create this pod: its startup counts from now. */
  noteCreateRequest(namespace: string, name: string): void {
    this.requested.set(key(namespace, name), this.now());
  }

  observe(pod: Pod, deleted: boolean): void {
    const namespace = pod.metadata?.namespace ?? '';
    const name = pod.metadata?.name ?? '';
    const k = key(namespace, name);
    const at = this.now();
    let record = this.pods.get(k);
    if (!record) {
      if (deleted) return;
      record = { namespace, name, createdMs: Math.min(at, this.requested.get(k) ?? at), boundMs: undefined, runningMs: undefined, gone: false };
      this.pods.set(k, record);
    }
    if (pod.spec?.nodeName && record.boundMs === undefined) record.boundMs = at;
    if (pod.status?.phase === 'Running' && record.runningMs === undefined) record.runningMs = at;
    if (deleted || pod.metadata?.deletionTimestamp) record.gone = true;
  }

  counts(): PodCounts {
    const counts = { live: 0, bound: 0, running: 0 };
    for (const p of this.pods.values()) {
      if (p.gone) continue;
      counts.live++;
      if (p.boundMs !== undefined) counts.bound++;
      if (p.runningMs !== undefined) counts.running++;
    }
    return counts;
  }

  records(): readonly PodRecord[] {
    return [...this.pods.values()];
  }

  /** Create (or first sight) to first Running, of every pod that ran. */
  startupLatenciesMs(): number[] {
    return this.records().flatMap((p) => (p.runningMs === undefined ? [] : [p.runningMs - p.createdMs]));
  }

  bindTimesMs(): number[] {
    return this.records().flatMap((p) => (p.boundMs === undefined ? [] : [p.boundMs])).sort((a, b) => a - b);
  }
}
