// `npm run oracle:record`: generates the corpus's cases from its fixed seed, asks the oracle
// (tools/sched-oracle, built with its build.sh) and writes test/fixtures/sched-oracle/.
import { CORPUS_SEED, CORPUS_SIZE, corpusCases, corpusPath, writeCorpus } from './corpus.js';
import { Oracle, oracleAvailable, oracleBinary } from './process.js';

if (!oracleAvailable()) {
  process.stderr.write(`no oracle at ${oracleBinary()}: run tools/sched-oracle/build.sh (or set SCHED_ORACLE)\n`);
  process.exit(1);
}
const cases = corpusCases();
const oracle = new Oracle();
const answers = await oracle.run(cases);
oracle.close();
const failed = answers.filter((a) => a.error);
if (failed.length > 0) {
  process.stderr.write(`${failed.length} cases failed in the oracle, e.g. ${failed[0]!.error}\n`);
  process.exit(1);
}
writeCorpus(cases.map((c, i) => ({ case: c, oracle: answers[i]! })));
process.stdout.write(`${CORPUS_SIZE} cases (seed ${CORPUS_SEED}, oracle ${answers[0]?.version}) -> ${corpusPath()}\n`);
