// Starts the real kubelet (dist/services/kubelet/main.js) as a child process against an apiserver
// started by startApiserver, on a free loopback port, and waits for /readyz (every node registered).
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApiserverProcess } from './apiserver-process.js';
import { freePort } from '../process/ports.js';
import { waitReady } from '../process/probe.js';
import { captureOutput, signalAndWait } from '../process/child.js';

const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface KubeletProcess {
  url: string;
  port: number;
  child: ChildProcess;
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
}

export interface KubeletStartOptions {
  readyTimeoutMs?: number;
  /** Flags for node itself, before the script (e.g. --cpu-prof). */
  nodeArgs?: string[];
}

export async function startKubelet(apiserver: ApiserverProcess, extraArgs: string[] = [], options: KubeletStartOptions = {}): Promise<KubeletProcess> {
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  const port = await freePort();
  let output = '';
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), join(DIST, 'services', 'kubelet', 'main.js'), '--kubeconfig', apiserver.kubeconfig, '--cert-dir', join(apiserver.dataDir, 'pki'), '--port', String(port), '--log-level', 'warn', ...extraArgs],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  captureOutput(child, (text) => (output += text));
  const url = `https://127.0.0.1:${port}`;
  if (!(await waitReady(`${url}/readyz`, apiserver.caPem, readyTimeoutMs, () => child.exitCode === null))) {
    child.kill('SIGKILL');
    throw new Error(`kubelet did not become ready:\n${output}`);
  }
  return {
    url,
    port,
    child,
    output: () => output,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      await signalAndWait(child, signal);
    },
    async stop() {
      await signalAndWait(child, 'SIGTERM');
    },
  };
}
