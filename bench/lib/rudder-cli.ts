// The compiled `rudder` command in a child process, as the benchmarks that start whole clusters
// (up, the kubelet's real nodes) run it: resolves with its exit code and output, never rejects;
// and the arguments of a detached `rudder up` on free ports (with real nodes, on a node network of
// its own) beside whatever else runs on the machine.
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import { freePort } from '../../lib/process/ports.js';

const CLI = join(process.cwd(), 'dist', 'cli', 'main.js');

export function rudderCli(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

export async function detachedUpArgs(dataDir: string, nodes: number): Promise<string[]> {
  const args = ['up', '--detach', '--data-dir', dataDir, '--port', String(await freePort()), '--scheduler-port', String(await freePort()), '--controller-manager-port', String(await freePort()), '--kubelet-port', String(await freePort()), '--nodes', String(nodes)];
  if (nodes > 0) args.push('--node-subnet', `10.213.${randomInt(1, 250)}.0/24`);
  return args;
}
