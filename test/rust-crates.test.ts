// The Rust crates' own tests (cargo test) are part of `npm test`, so CI runs them with everything
// else. Each test binary cargo runs is one assertion here.
import { spawnSync } from 'node:child_process';
import t from 'tap';
import { ROOT } from './helpers/paths.js';

// One stream, so each "Running <binary>" line (stderr) stays next to its result (stdout).
const result = spawnSync('sh', ['-c', 'cargo test --workspace --release 2>&1'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });

t.test('cargo test --workspace --release', async (t) => {
  t.notOk(result.error, result.error ? `cargo could not run: ${result.error.message}` : 'cargo ran');
  const output = result.stdout;
  t.notMatch(output, /cargo: (command )?not found/, 'cargo is installed');
  const binaries = [...output.matchAll(/Running (?:unittests )?(\S+)[^\n]*\n[\s\S]*?test result: (ok|FAILED)\. (\d+) passed; (\d+) failed/g)];
  t.ok(binaries.length > 0, 'cargo ran test binaries');
  for (const [, binary, verdict, passed, failed] of binaries) {
    t.equal(verdict, 'ok', `${binary}: ${passed} passed, ${failed} failed`);
  }
  t.equal(result.status, 0, result.status === 0 ? 'cargo test passed' : output.slice(-4000));
});
