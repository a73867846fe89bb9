// Starts a node's containerd inside the node's network namespace (nsenter --net: the mounts,
// /sys and cgroups stay the host's, as containerd and runc need them), its output to a log file,
// and waits until its CRI plugin answers Version.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { CriClient } from '../cri/client.js';
import { CriError } from '../cri/errors.js';
import { cniConfDir, cniConfList, containerdCommand, containerdConfig, containerdRoot, runcRoot } from './containerd-config.js';
import type { LocalNodePlan } from './plan.js';
import { processStartTime } from './processes.js';
import type { MadeRecord } from './record.js';

export interface ContainerdHandle {
  pid: number;
  log: string;
}

export function containerdLog(node: LocalNodePlan): string {
  return join(node.dir, 'containerd.log');
}

/** Writes the node's containerd and CNI configuration; the directories go into the record first. */
export function writeNodeConfig(node: LocalNodePlan, sandboxImage: string, record: MadeRecord): string {
  record.add({ kind: 'dir', path: node.dir });
  record.add({ kind: 'dir', path: node.stateDir });
  mkdirSync(containerdRoot(node), { recursive: true });
  mkdirSync(node.stateDir, { recursive: true });
  mkdirSync(cniConfDir(node), { recursive: true });
  mkdirSync(node.podLogDir, { recursive: true });
  writeFileSync(join(cniConfDir(node), '10-rudder.conflist'), cniConfList(node));
  const config = join(node.dir, 'containerd.toml');
  writeFileSync(config, containerdConfig(node, sandboxImage));
  return config;
}

/** Notes the node's containerd in the record before anything starts it (pid 0: found by its socket). */
export function recordContainerd(node: LocalNodePlan, record: MadeRecord, pid = 0): void {
  record.add({ kind: 'containerd', pid, startTime: pid > 0 ? (processStartTime(pid) ?? '') : '', socket: node.containerdSocket, root: containerdRoot(node), runcRoot: runcRoot(node), cniNetwork: node.cniNetwork });
}

export async function startContainerd(node: LocalNodePlan, config: string, record: MadeRecord, timeoutMs = 30_000): Promise<ContainerdHandle> {
  const log = containerdLog(node);
  const fd = openSync(log, 'a');
  const [command, args] = containerdCommand(node, config);
  const child = spawn(command, args, { stdio: ['ignore', fd, fd], detached: true });
  closeSync(fd);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`containerd of node ${node.name} did not start`);
  child.unref();
  let exited = false;
  child.once('exit', () => (exited = true));
  recordContainerd(node, record, pid);

  const client = new CriClient(node.containerdSocket, { requestTimeoutMs: 2000 });
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (exited) throw new Error(`containerd of node ${node.name} exited at start:\n${tail(log)}`);
      try {
        await client.version();
        return { pid, log };
      } catch (error) {
        // Serving without the CRI service: its plugin failed to load, and will not later.
        if (error instanceof CriError && error.code === GrpcStatus.UNIMPLEMENTED) throw new Error(`containerd of node ${node.name} runs without its CRI plugin:\n${tail(log)}`);
        if (Date.now() > deadline) throw new Error(`containerd of node ${node.name} did not answer CRI in ${timeoutMs} ms (${String(error)}):\n${tail(log)}`);
      }
      await sleep(100);
    }
  } finally {
    client.close();
  }
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
