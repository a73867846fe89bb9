// Starts one of Rudder's component processes (scheduler, controller-manager, kubelet) as a child process
// against an apiserver started by startApiserver, on a free loopback health port, and waits for
// /readyz.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApiserverProcess } from './apiserver-process.js';
import { freePort } from '../process/ports.js';
import { waitReady } from '../process/probe.js';
import { captureOutput, signalAndWait } from '../process/child.js';

const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ComponentProcess {
  url: string;
  port: number;
  child: ChildProcess;
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
}

export interface ComponentStartOptions {
  readyTimeoutMs?: number;
  /** Flags for node itself, before the script (e.g. --cpu-prof). */
  nodeArgs?: string[];
  /** The component's flag for its health port (default --secure-port; the kubelet's is --port). */
  portFlag?: string;
}

/** `service` names the folder under dist/services (its main.js is run). */
export async function startComponent(service: string, apiserver: ApiserverProcess, extraArgs: string[] = [], options: ComponentStartOptions = {}): Promise<ComponentProcess> {
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  const port = await freePort();
  let output = '';
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), join(DIST, 'services', service, 'main.js'), '--kubeconfig', apiserver.kubeconfig, '--cert-dir', join(apiserver.dataDir, 'pki'), options.portFlag ?? '--secure-port', String(port), '--log-level', 'warn', ...extraArgs],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  captureOutput(child, (text) => (output += text));
  const url = `https://127.0.0.1:${port}`;
  if (!(await waitReady(`${url}/readyz`, apiserver.caPem, readyTimeoutMs, () => child.exitCode === null))) {
    child.kill('SIGKILL');
    throw new Error(`${service} did not become ready:\n${output}`);
  }
  return componentHandle(child, url, port, () => output);
}

/** The handle of a started component process: kill and stop signal it and wait for its exit. */
export function componentHandle(child: ChildProcess, url: string, port: number, output: () => string): ComponentProcess {
  return {
    url,
    port,
    child,
    output,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      await signalAndWait(child, signal);
    },
    async stop() {
      await signalAndWait(child, 'SIGTERM');
    },
  };
}
