// rudder sim --compare A B: two result directories side by side, metric by metric with the
// difference (B - A), for every profile both have (matched by name; when each has exactly one
// profile, those two).
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ProfileResult, SimResults } from './results.js';

const METRICS: [string, (p: ProfileResult) => number][] = [
  ['podsScheduled', (p) => p.podsScheduled],
  ['podsUnschedulable', (p) => p.podsUnschedulable],
  ['preemptions', (p) => p.preemptions],
  ['nodesUsedPeak', (p) => p.nodesUsedPeak],
  ['utilisationOfUsedNodes.cpu', (p) => p.utilisationOfUsedNodes.cpu],
  ['utilisationOfUsedNodes.memory', (p) => p.utilisationOfUsedNodes.memory],
  ['meanPendingSeconds', (p) => p.meanPendingSeconds],
  ['pendingSeconds.p99', (p) => p.pendingSeconds.p99],
  ['makespanSeconds', (p) => p.makespanSeconds],
  ['fragmentation', (p) => p.fragmentation],
  ['attempts', (p) => p.attempts.total],
];

/** results.json of a directory (or the file itself). */
export function readResults(path: string): SimResults {
  const file = statSync(path).isDirectory() ? join(path, 'results.json') : path;
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as SimResults;
  if (!Array.isArray(parsed.profiles)) throw new Error(`${file} is not a rudder sim results.json (no profiles)`);
  return parsed;
}

const show = (x: number): string => (Number.isInteger(x) ? String(x) : x.toFixed(4));

/** Rows of [profile, metric, A, B, B - A] (a header first). */
export function compareResults(a: SimResults, b: SimResults): string[][] {
  let pairs: [ProfileResult, ProfileResult][] = a.profiles.flatMap((pa) => {
    const pb = b.profiles.find((p) => p.profile === pa.profile);
    return pb ? [[pa, pb] as [ProfileResult, ProfileResult]] : [];
  });
  if (pairs.length === 0 && a.profiles.length === 1 && b.profiles.length === 1) pairs = [[a.profiles[0]!, b.profiles[0]!]];
  if (pairs.length === 0) throw new Error(`no profile in common (A: ${a.profiles.map((p) => p.profile).join(', ')}; B: ${b.profiles.map((p) => p.profile).join(', ')})`);
  const rows = [['PROFILE', 'METRIC', 'A', 'B', 'B - A']];
  for (const [pa, pb] of pairs) {
    const name = pa.profile === pb.profile ? pa.profile : `${pa.profile} / ${pb.profile}`;
    for (const [metric, pick] of METRICS) rows.push([name, metric, show(pick(pa)), show(pick(pb)), show(Math.round((pick(pb) - pick(pa)) * 1e6) / 1e6)]);
  }
  return rows;
}
