// A Docker engine of a test's own: dockerd with its data, its state and its socket in a new
// directory, no docker0 bridge and no iptables rules (containers reach each other on the compose
// network's bridge; published ports go through docker's userland proxy on loopback), stopped and
// removed at teardown. Why it cannot run here, as a skip reason (under CI, nothing is skipped).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import { commandInstalled } from '../../lib/process/installed.js';
import { mountTable } from '../../lib/host/mounts.js';
import { processArgvs } from './local-nodes.js';
import { until } from './until.js';

export function dockerSkip(): string | undefined {
  if (process.env.RUDDER_CI) return undefined;
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return 'a Docker engine of its own needs root on Linux';
  for (const [command, from] of [['dockerd', 'docker.io'], ['docker', 'docker.io'], ['docker-compose', 'docker-compose']] as const) {
    if (!commandInstalled(command, '--version')) return `${command} is not installed (Debian: apt-get install ${from})`;
  }
  return undefined;
}

export interface Dockerd {
  /** The environment that points docker and docker-compose at this engine. */
  env: NodeJS.ProcessEnv;
  dir: string;
  /** Runs a command (docker, docker-compose, sh -c '... | docker ...') against it. */
  run(command: string, args: string[], options?: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number }): { code: number; stdout: string; stderr: string };
  /** Stops it (SIGTERM, then SIGKILL after 30 s); the teardown does too. */
  stop(): Promise<void>;
  /** What of it is left on the host: processes naming its directory and mounts under it. */
  leftovers(): { processes: number; mounts: number };
}

/** Starts the engine; at teardown stops it (SIGTERM, then SIGKILL) and removes its directory. */
export async function startDockerd(t: Test): Promise<Dockerd> {
  const dir = mkdtempSync(join(tmpdir(), 'rudder-dockerd-'));
  const socket = join(dir, 'docker.sock');
  const log = openSync(join(dir, 'dockerd.log'), 'a');
  const child: ChildProcess = spawn(
    'dockerd',
    ['--data-root', join(dir, 'root'), '--exec-root', join(dir, 'exec'), '--host', `unix://${socket}`, '--pidfile', join(dir, 'dockerd.pid'), '--bridge', 'none', '--iptables=false', '--ip-masq=false'],
    { stdio: ['ignore', log, log] },
  );
  closeSync(log);
  const env = { ...process.env, DOCKER_HOST: `unix://${socket}` };
  const run: Dockerd['run'] = (command, args, options = {}) => {
    const result = spawnSync(command, args, { env: { ...env, ...options.env }, encoding: 'utf8', cwd: options.cwd, timeout: options.timeoutMs ?? 300_000, maxBuffer: 64 * 1024 * 1024 });
    return { code: result.status ?? 1, stdout: result.stdout ?? '', stderr: `${result.stderr ?? ''}${result.error ? String(result.error) : ''}` };
  };
  const exited = (): boolean => child.exitCode !== null || child.signalCode !== null;
  const stop = async (): Promise<void> => {
    if (exited()) return;
    child.kill('SIGTERM');
    if (!(await until(exited, 30_000, 100))) child.kill('SIGKILL');
    await until(exited, 10_000, 100);
  };
  t.teardown(async () => {
    await stop();
    for (const mount of mountTable().filter((m) => m.mountPoint.startsWith(dir)).reverse()) spawnSync('umount', ['-l', mount.mountPoint]);
    rmSync(dir, { recursive: true, force: true });
  });
  const ready = await until(() => !exited() && run('docker', ['info', '--format', '{{.ServerVersion}}'], { timeoutMs: 10_000 }).code === 0, 60_000, 250);
  if (!ready) throw new Error(`dockerd did not answer on ${socket}:\n${readFileSync(join(dir, 'dockerd.log'), 'utf8').slice(-2000)}`);
  return {
    env,
    dir,
    run,
    stop,
    leftovers: () => ({ processes: processArgvs().filter((argv) => argv.some((arg) => arg.includes(dir))).length, mounts: mountTable().filter((m) => m.mountPoint.startsWith(dir)).length }),
  };
}
