// `npm run test:oracle`: generated cases against the live oracle (tools/sched-oracle, built by
// its build.sh). ORACLE_CASES sets how many (default 100,000), ORACLE_SEED the seed; the run's
// numbers go to bench/results/sched-oracle.json (ORACLE_RESULTS names another file).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import t from 'tap';
import { ROOT } from '../helpers/paths.js';
import { oracleCaseArb } from './cases.js';
import { check, newTally, report } from './differential.js';
import { newEvaluator } from './evaluate.js';
import { Oracle, oracleAvailable, oracleBinary } from './process.js';

const TOTAL = Number(process.env.ORACLE_CASES ?? 100_000);
const SEED = Number(process.env.ORACLE_SEED ?? Date.now() % 1_000_000_007);
const BATCH = 500;

t.test('generated cases: Rudder agrees with the live kube-scheduler oracle', { skip: !oracleAvailable() && `no oracle at ${oracleBinary()} (tools/sched-oracle/build.sh)` }, async (t) => {
  const oracle = new Oracle();
  const evaluator = newEvaluator();
  const tally = newTally();
  const started = Date.now();
  let version = '';
  try {
    for (let done = 0; done < TOTAL; done += BATCH) {
      const cases = fc.sample(oracleCaseArb, { seed: SEED + done, numRuns: Math.min(BATCH, TOTAL - done) });
      const answers = await oracle.run(cases);
      version ||= answers[0]?.version ?? '';
      cases.forEach((c, i) => check(tally, evaluator, c, answers[i]!));
    }
  } finally {
    oracle.close();
    evaluator.close();
  }
  const summary = {
    oracle: version,
    seed: SEED,
    cases: tally.cases,
    disagreeingCases: tally.disagreeing,
    seconds: Math.round((Date.now() - started) / 1000),
    kinds: [...tally.kinds.values()].map((k) => ({ count: k.count, example: k.example })),
    finishedAt: new Date().toISOString(),
  };
  const out = process.env.ORACLE_RESULTS ?? join(ROOT, 'bench', 'results', 'sched-oracle.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(summary, null, 2) + '\n');
  const worst = [...tally.kinds.values()].sort((a, b) => b.count - a.count)[0];
  if (worst) t.comment(`example case: ${JSON.stringify(worst.case)}`);
  t.equal(tally.disagreeing, 0, report(tally));
});
