// The `rudder` command as a user runs it (the compiled CLI, in a child process), for the
// whole-cluster stories; and whether a component it started is still alive.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DIST } from './paths.js';

export const CLI = join(DIST, 'cli', 'main.js');

export interface RudderRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function rudder(args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): RudderRun {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: options.timeoutMs ?? 120_000, env: options.env ?? process.env });
  return { code: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
