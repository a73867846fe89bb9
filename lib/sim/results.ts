// What a simulation writes to --out DIR: results.json (the same trace, profiles and seed give the
// same bytes: no wall-clock time in it), timings.json (wall-clock seconds and attempts per
// second, which vary run to run), per profile placements-<profile>.csv, and timeline.csv (the
// sampled utilisation of every profile).
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SimOutcome } from './simulator.js';

export interface ProfileResult {
  profile: string;
  podsScheduled: number;
  podsUnschedulable: number;
  podsDeletedWhilePending: number;
  preemptions: number;
  nodesUsedPeak: number;
  /** Mean over the timeline of requests / allocatable on the nodes in use. */
  utilisationOfUsedNodes: { cpu: number; memory: number };
  /** Mean over the timeline of requests / allocatable on every node. */
  utilisationOfCluster: { cpu: number; memory: number };
  meanPendingSeconds: number;
  pendingSeconds: { p50: number; p90: number; p99: number; max: number };
  makespanSeconds: number;
  /** Mean share of free cpu on used nodes stranded in pieces under one core. */
  fragmentation: number;
  attempts: SimOutcome['attempts'];
  placements: { file: string; sha256: string };
}

export interface SimResults {
  seed: number;
  workload: string;
  nodes: number;
  pods: number;
  profiles: ProfileResult[];
}

export interface SimTimings {
  nativeKernel: boolean;
  profiles: { profile: string; wallSeconds: number; attempts: number; attemptsPerSecond: number }[];
}

const round = (x: number, digits = 6): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

/** The q-quantile (nearest rank) of sorted values. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** A file name for the profile: its name with anything but [A-Za-z0-9._-] replaced. */
export function profileFileName(profile: string): string {
  return profile.replace(/[^A-Za-z0-9._-]/g, '_');
}

export function placementsCsv(outcome: SimOutcome): string {
  return `pod,node,seconds\n${outcome.placements.map((p) => `${p.pod},${p.node},${round(p.at, 3)}\n`).join('')}`;
}

export function profileResult(outcome: SimOutcome): ProfileResult {
  const used = outcome.samples.filter((s) => s.nodesUsed > 0);
  const pending = [...outcome.pendingSeconds].sort((a, b) => a - b);
  return {
    profile: outcome.profile,
    podsScheduled: outcome.podsScheduled,
    podsUnschedulable: outcome.podsUnschedulable,
    podsDeletedWhilePending: outcome.podsDeletedWhilePending,
    preemptions: outcome.preemptions,
    nodesUsedPeak: outcome.nodesUsedPeak,
    utilisationOfUsedNodes: { cpu: round(mean(used.map((s) => s.cpuOfUsed))), memory: round(mean(used.map((s) => s.memoryOfUsed))) },
    utilisationOfCluster: { cpu: round(mean(used.map((s) => s.cpuOfCluster))), memory: round(mean(used.map((s) => s.memoryOfCluster))) },
    meanPendingSeconds: round(mean(pending)),
    pendingSeconds: { p50: round(quantile(pending, 0.5)), p90: round(quantile(pending, 0.9)), p99: round(quantile(pending, 0.99)), max: round(pending[pending.length - 1] ?? 0) },
    makespanSeconds: round(outcome.makespanSeconds, 3),
    fragmentation: round(mean(outcome.fragmentation.filter((_, i) => outcome.samples[i]!.nodesUsed > 0))),
    attempts: outcome.attempts,
    placements: { file: `placements-${profileFileName(outcome.profile)}.csv`, sha256: createHash('sha256').update(placementsCsv(outcome)).digest('hex') },
  };
}

export function simResults(seed: number, workload: string, nodes: number, pods: number, outcomes: readonly SimOutcome[]): SimResults {
  return { seed, workload, nodes, pods, profiles: outcomes.map(profileResult) };
}

export function simTimings(nativeKernel: boolean, outcomes: readonly SimOutcome[]): SimTimings {
  return {
    nativeKernel,
    profiles: outcomes.map((o) => ({
      profile: o.profile,
      wallSeconds: round(o.wallSeconds, 3),
      attempts: o.attempts.total,
      attemptsPerSecond: Math.round(o.attempts.total / Math.max(o.wallSeconds, 1e-9)),
    })),
  };
}

const TIMELINE_COLUMNS = ['t', 'nodesUsed', 'runningPods', 'pendingPods', 'cpuOfUsed', 'memoryOfUsed', 'cpuOfCluster', 'memoryOfCluster'] as const;

export function timelineCsv(outcomes: readonly SimOutcome[]): string {
  const lines = [`profile,${TIMELINE_COLUMNS.join(',')},fragmentation`];
  for (const o of outcomes) {
    o.samples.forEach((s, i) => lines.push(`${o.profile},${TIMELINE_COLUMNS.map((c) => round(s[c])).join(',')},${round(o.fragmentation[i] ?? 0)}`));
  }
  return `${lines.join('\n')}\n`;
}

/** Writes every file but the report; returns results.json's path. */
export function writeResultFiles(dir: string, results: SimResults, timings: SimTimings, outcomes: readonly SimOutcome[]): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'results.json');
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(dir, 'timings.json'), `${JSON.stringify(timings, null, 2)}\n`);
  for (const o of outcomes) writeFileSync(join(dir, `placements-${profileFileName(o.profile)}.csv`), placementsCsv(o));
  writeFileSync(join(dir, 'timeline.csv'), timelineCsv(outcomes));
  return path;
}
