// The recorded corpus of kube-scheduler 1.36's answers (test/fixtures/sched-oracle, written by
// `npm run oracle:record`): the TypeScript plugins, asked one by one, and the native kernel give
// the same filter verdicts, reasons and scores on every case, without Go.
import t from 'tap';
import { readCorpus } from './oracle/corpus.js';
import { check, newTally, report } from './oracle/differential.js';
import { newEvaluator } from './oracle/evaluate.js';

t.test('Rudder agrees with kube-scheduler on every recorded case, plugin by plugin', async (t) => {
  const corpus = readCorpus();
  const evaluator = newEvaluator();
  const tally = newTally();
  try {
    for (const r of corpus) check(tally, evaluator, r.case, r.oracle);
  } finally {
    evaluator.close();
  }
  t.ok(corpus.length >= 2000, `${corpus.length} recorded cases`);
  t.equal(tally.disagreeing, 0, report(tally));
});
