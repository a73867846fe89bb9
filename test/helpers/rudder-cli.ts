// The `rudder` command as a user runs it (the compiled CLI, in a child process), for the
// whole-cluster stories; and whether a component it started is still alive.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import { freePort } from '../../lib/process/ports.js';
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

/** Whether a process runs (a killed one not reaped yet does not): the CLI's own check. */
export { isAlive as alive } from '../../cli/cluster/process.js';

/**
 * `rudder up --detach --sim-nodes N` in a fresh data directory on free ports, without real nodes
 * (the default as root), taken down (and the directory removed) when the test ends; `env` (default:
 * this process's) reaches every component, e.g. RUDDER_AUDIT_* for the apiserver.
 */
export async function upWithSimNodes(t: Test, nodes: number, env?: NodeJS.ProcessEnv): Promise<{ up: RudderRun; dataDir: string; kubeconfig: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'rudder-sim-'));
  t.teardown(() => {
    rudder(['down', '--data-dir', dataDir]);
    rmSync(dataDir, { recursive: true, force: true });
  });
  const ports = { port: await freePort(), scheduler: await freePort(), controllerManager: await freePort(), kubelet: await freePort() };
  const up = rudder(['up', '--nodes', '0', '--detach', '--data-dir', dataDir, '--port', String(ports.port), '--scheduler-port', String(ports.scheduler), '--controller-manager-port', String(ports.controllerManager), '--sim-nodes', String(nodes), '--kubelet-port', String(ports.kubelet)], { env });
  return { up, dataDir, kubeconfig: join(dataDir, 'kubeconfig') };
}
