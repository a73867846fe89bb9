// The oracle binary (tools/sched-oracle) as a child process: one JSON case per line in, one
// answer per line out, in order. `SCHED_ORACLE` names the binary; otherwise build.sh's default
// place. Cases may be sent in batches; answers come back in the same order.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { OracleCase } from './cases.js';
import type { OracleResult } from './result.js';

export function oracleBinary(): string {
  if (process.env.SCHED_ORACLE) return process.env.SCHED_ORACLE;
  const cache = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return join(cache, 'rudder', 'sched-oracle', 'bin', 'sched-oracle');
}

export function oracleAvailable(): boolean {
  return existsSync(oracleBinary());
}

export class Oracle {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: ((r: OracleResult) => void)[] = [];
  private stderr = '';

  constructor(binary = oracleBinary()) {
    this.child = spawn(binary, [], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4000);
    });
    createInterface({ input: this.child.stdout }).on('line', (line) => this.waiting.shift()?.(JSON.parse(line) as OracleResult));
    this.child.on('exit', (code) => {
      for (const w of this.waiting.splice(0)) w({ preFilter: [], rejected: false, nodes: [], preScore: [], scores: [], error: `oracle exited (${code}): ${this.stderr}` });
    });
  }

  /** The answers to a batch of cases, in order. */
  run(cases: readonly OracleCase[]): Promise<OracleResult[]> {
    const answers = cases.map(() => new Promise<OracleResult>((resolve) => this.waiting.push(resolve)));
    this.child.stdin.write(cases.map((c) => JSON.stringify(c)).join('\n') + '\n');
    return Promise.all(answers);
  }

  close(): void {
    this.child.stdin.end();
  }
}
