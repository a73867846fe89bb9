// Runs cases through the TypeScript reference and the native kernel and gathers every
// disagreement with the oracle's answers, counted by kind (the message without node names
// and numbers) with one full example each.
import type { OracleCase } from './cases.js';
import { compareNative, compareReference } from './compare.js';
import type { Evaluator } from './evaluate.js';
import type { OracleResult } from './result.js';

export interface Tally {
  cases: number;
  /** Cases where the reference or the kernel disagreed. */
  disagreeing: number;
  kinds: Map<string, { count: number; example: string; case: OracleCase }>;
}

export function newTally(): Tally {
  return { cases: 0, disagreeing: 0, kinds: new Map() };
}

const kindOf = (msg: string): string => msg.replace(/\bn\d+\b/g, 'N').replace(/-?\d+/g, '#').slice(0, 160);

export function check(tally: Tally, evaluator: Evaluator, c: OracleCase, oracle: OracleResult): void {
  tally.cases++;
  const problems = [...compareReference(oracle, evaluator.reference(c)), ...compareNative(oracle, evaluator.native(c))];
  if (problems.length === 0) return;
  tally.disagreeing++;
  for (const p of new Set(problems.map(kindOf))) {
    const k = tally.kinds.get(p);
    if (k) k.count++;
    else tally.kinds.set(p, { count: 1, example: problems.find((x) => kindOf(x) === p)!, case: c });
  }
}

export function report(tally: Tally): string {
  const kinds = [...tally.kinds.entries()].sort((a, b) => b[1].count - a[1].count);
  return [
    `${tally.cases} cases, ${tally.disagreeing} with disagreements`,
    ...kinds.map(([, v]) => `${String(v.count).padStart(6)}  ${v.example}`),
  ].join('\n');
}
