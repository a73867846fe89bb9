// Runs the real kubectl binaries against a test cluster.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectlBinary } from './paths.js';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function kubectl(version: string, kubeconfig: string, args: string[], input?: string): Promise<KubectlResult> {
  return new Promise((resolve) => {
    const child = execFile(
      kubectlBinary(version),
      ['--kubeconfig', kubeconfig, ...args],
      { maxBuffer: 64 * 1024 * 1024, timeout: 60_000, env: { ...process.env, KUBECONFIG: kubeconfig, HOME: process.env.HOME ?? '/tmp' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
    if (input !== undefined) {
      child.stdin?.write(input);
    }
    child.stdin?.end();
  });
}

/** A long-running kubectl (get -w) whose output accumulates until it is stopped. */
export function kubectlStream(version: string, kubeconfig: string, args: string[]): { child: ChildProcess; output: () => string; waitFor: (text: string, timeoutMs?: number) => Promise<boolean>; stop: () => void } {
  const child = spawn(kubectlBinary(version), ['--kubeconfig', kubeconfig, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return {
    child,
    output: () => out,
    waitFor: (text, timeoutMs = 10_000) =>
      new Promise((resolve) => {
        const deadline = Date.now() + timeoutMs;
        const check = (): void => {
          if (out.includes(text)) return resolve(true);
          if (Date.now() > deadline || child.exitCode !== null) return resolve(out.includes(text));
          setTimeout(check, 50);
        };
        check();
      }),
    stop: () => child.kill('SIGTERM'),
  };
}

/** One kubectl version's session in a scratch directory: its own cache, files written there, and a namespace of its own. */
export interface KubectlSession {
  dir: string;
  /** The arguments that give kubectl the session's cache (for kubectlStream). */
  cache: string[];
  /** kubectl with the session's cache. */
  k: (...args: string[]) => Promise<KubectlResult>;
  /** kubectl in the session's namespace. */
  n: (...args: string[]) => Promise<KubectlResult>;
  /** Writes `text` to `name` in the directory and returns its path. */
  file: (name: string, text: string) => string;
  namespace: string;
  /** Whether `kubectl create namespace` succeeded. */
  created: boolean;
}

/** Starts a session whose namespace is `prefix-<version without dots>` (created now). */
export async function kubectlSession(version: string, kubeconfig: string, prefix: string): Promise<KubectlSession> {
  const dir = mkdtempSync(join(tmpdir(), `rudder-${prefix}-`));
  const cache = ['--cache-dir', join(dir, 'cache')];
  const k = (...args: string[]): Promise<KubectlResult> => kubectl(version, kubeconfig, [...cache, ...args]);
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const namespace = `${prefix}-${version.replace('.', '')}`;
  const created = (await k('create', 'namespace', namespace)).code === 0;
  return { dir, cache, k, n: (...args) => k('-n', namespace, ...args), file, namespace, created };
}
