// Resident memory of each replica's current process, from /proc/<pid>/status (VmRSS), sampled
// every few seconds: the smallest, largest and last value per replica (across its restarts), and
// a coarse series for the results file.
import { readFileSync } from 'node:fs';
import type { ReplicaSet } from '../../lib/launch/replica-set.js';
import type { Running } from './valid-clients.js';

/** Resident set size in MiB, or undefined when the process is gone. */
export function rssMiB(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const line = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return line ? Math.round(Number(line[1]) / 102.4) / 10 : undefined;
  } catch {
    return undefined;
  }
}

export interface RssStats {
  minMiB: number;
  maxMiB: number;
  lastMiB: number;
  samples: number;
}

export function startRssSampler(set: ReplicaSet, everyMs: number, started: number): Running & { stats: Map<number, RssStats>; series: { seconds: number; replica: number; rssMiB: number }[] } {
  const stats = new Map<number, RssStats>();
  const series: { seconds: number; replica: number; rssMiB: number }[] = [];
  let samples = 0;
  const sample = (): void => {
    samples++;
    for (const replica of set.replicas) {
      const child = replica.process.child;
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const rss = rssMiB(child.pid);
      if (rss === undefined) continue;
      const s = stats.get(replica.id) ?? { minMiB: rss, maxMiB: rss, lastMiB: rss, samples: 0 };
      s.minMiB = Math.min(s.minMiB, rss);
      s.maxMiB = Math.max(s.maxMiB, rss);
      s.lastMiB = rss;
      s.samples++;
      stats.set(replica.id, s);
      // Every tenth round goes in the results file.
      if (samples % 10 === 1) series.push({ seconds: Math.round((Date.now() - started) / 1000), replica: replica.id, rssMiB: rss });
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stats,
    series,
    async stop() {
      clearInterval(timer);
      sample();
    },
  };
}
