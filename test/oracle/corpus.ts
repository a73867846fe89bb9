// The recorded corpus: generated cases with the oracle's answers, so `npm test` checks Rudder
// against kube-scheduler without building Go. `npm run oracle:record` rewrites it.
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { join } from 'node:path';
import { ROOT } from '../helpers/paths.js';
import { oracleCaseArb, type OracleCase } from './cases.js';
import type { OracleResult } from './result.js';

export interface RecordedCase {
  case: OracleCase;
  oracle: OracleResult;
}

export const CORPUS_SEED = 1836;
export const CORPUS_SIZE = 3000;

export function corpusPath(): string {
  return join(ROOT, 'test', 'fixtures', 'sched-oracle', 'corpus.jsonl.gz');
}

export function corpusCases(seed = CORPUS_SEED, size = CORPUS_SIZE): OracleCase[] {
  return fc.sample(oracleCaseArb, { seed, numRuns: size });
}

export function readCorpus(): RecordedCase[] {
  return gunzipSync(readFileSync(corpusPath()))
    .toString()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as RecordedCase);
}

export function writeCorpus(cases: RecordedCase[]): void {
  writeFileSync(corpusPath(), gzipSync(cases.map((c) => JSON.stringify(c)).join('\n') + '\n', { level: 9 }));
}
