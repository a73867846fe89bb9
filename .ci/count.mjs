// Counts the tests in tap's TAP output: every subtest directly inside a test file (four spaces of
// indent) is one test. A skipped or todo test counts as failed in CI. A run that failed before any
// test reported (a build error) counts as one failure. Lists every failed assertion with where it
// sits and the start of its diagnostics, then prints "N passed, N failed" and exits non-zero when
// anything failed.
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

for (const report of failureReports(lines)) console.log(report);
const status = Number(statusText ?? 0);
if (status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);

/** Each failed or skipped assertion: its path of subtests and the first lines of its YAML block. */
function failureReports(allLines) {
  const reports = [];
  const path = [];
  for (let i = 0; i < allLines.length; i++) {
    const line = allLines[i];
    const subtest = /^( *)# Subtest: (.*)$/.exec(line);
    if (subtest) {
      const depth = subtest[1].length / 4;
      path.length = depth;
      path[depth] = subtest[2];
      continue;
    }
    const result = /^( *)(not ok|ok) \d+ - (.*)$/.exec(line);
    if (!result) continue;
    const depth = result[1].length / 4;
    const bad = result[2] === 'not ok' || /#\s*(SKIP|TODO)\b/i.test(result[3]);
    // A subtest's own result line closes it; only report leaves and crashed subtests.
    const closesSubtest = path[depth] !== undefined && result[3].startsWith(path[depth]);
    const own = path.slice(0, depth + 1).join(' > ');
    const hasFailedChild = reports.some((r) => r.parent === own || r.parent.startsWith(`${own} > `));
    if (bad && !(closesSubtest && hasFailedChild)) {
      const diagnostics = [];
      if (allLines[i + 1]?.trim() === '---') {
        for (let j = i + 2; j < allLines.length && allLines[j].trim() !== '...' && diagnostics.length < 12; j++) {
          diagnostics.push(`    ${allLines[j].trim()}`);
        }
      }
      const where = path.slice(0, depth).join(' > ');
      const name = where ? `${where} > ${result[3]}` : result[3];
      reports.push({ parent: where, text: [`FAILED: ${name}`, ...diagnostics].join('\n') });
    }
    if (closesSubtest) path.length = depth;
  }
  return reports.slice(0, 30).map((r) => r.text);
}
