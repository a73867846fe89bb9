// Starts a real redis-server on a free loopback port, persistence off (the bus treats Redis as a
// cache), for tests and benchmarks. kill() and restart() model a Redis crash: a restarted server
// comes back empty, on the same port.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../process/ports.js';
import { probe } from '../process/probe.js';
import { captureOutput, signalAndWait } from '../process/child.js';
import { commandInstalled } from '../process/installed.js';

export interface RedisProcess {
  url: string;
  port: number;
  child: ChildProcess;
  output(): string;
  kill(): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export function redisServerInstalled(): boolean {
  return commandInstalled('redis-server');
}

export async function startRedis(extraArgs: string[] = []): Promise<RedisProcess> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'rudder-redis-'));
  let child: ChildProcess;
  let output = '';
  const launch = async (): Promise<void> => {
    child = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir, ...extraArgs], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    captureOutput(child, (text) => (output += text));
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}:\n${output}`);
      if (await probe(`redis://127.0.0.1:${port}`, undefined, 500)) return;
      await sleep(25);
    }
    throw new Error(`redis-server did not answer:\n${output}`);
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get child() {
      return child;
    },
    output: () => output,
    async kill() {
      await signalAndWait(child, 'SIGKILL');
    },
    restart: launch,
    async stop() {
      await signalAndWait(child, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
