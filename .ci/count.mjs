// Counts the tests in tap's TAP output: every subtest directly inside a test file (four spaces of
// indent) is one test. A skipped or todo test counts as failed in CI. A run that failed before any
// test reported (a build error) counts as one failure. Prints "N passed, N failed" and exits
// non-zero when anything failed.
import { readFileSync } from 'node:fs';

const [logPath, statusText] = process.argv.slice(2);
const lines = readFileSync(logPath, 'utf8').split('\n');
let passed = 0;
let failed = 0;
let failedInFile = 0;
for (const line of lines) {
  // A whole file that failed without a failing test inside it (it crashed or timed out).
  const file = /^(not )?ok \d+ - /.exec(line);
  if (file) {
    if (file[1] && failedInFile === 0) failed++;
    failedInFile = 0;
    continue;
  }
  const match = /^ {4}(not )?ok \d+ - (.*)$/.exec(line);
  if (!match) continue;
  const directive = /#\s*(SKIP|TODO)\b/i.test(match[2]);
  if (match[1] || directive) {
    failed++;
    failedInFile++;
  } else passed++;
}
const status = Number(statusText ?? 0);
if (status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
