// What the CLI's supervisor and every test harness do with a component's child process: keep
// its output for failure messages, and signal it and wait until it has exited.
import type { ChildProcess } from 'node:child_process';

/** Passes the child's stdout and stderr text to `append` as it arrives. */
export function captureOutput(child: ChildProcess, append: (text: string) => void): void {
  child.stdout?.on('data', (d: Buffer) => append(d.toString()));
  child.stderr?.on('data', (d: Buffer) => append(d.toString()));
}

/** Resolves once the child has exited (at once if it already has). */
function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Sends `signal` and waits for the exit. */
export async function signalAndWait(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  child.kill(signal);
  await exited(child);
}
