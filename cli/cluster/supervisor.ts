// Runs the cluster's components as child processes, each logging to <data-dir>/logs/<name>.log,
// restarts one that dies (with backoff), records pids in cluster.json, and stops them all in
// reverse order. A control socket (<data-dir>/supervisor.sock) lets `rudder apiserver add|remove`
// start and stop apiserver replicas in the running cluster.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, closeSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ComponentSpec } from './components.js';
import { terminate } from './process.js';
import { waitReady } from '../../lib/process/probe.js';
import { writeState, type ClusterState, type ComponentState } from './state.js';

interface Running {
  spec: ComponentSpec;
  child: ChildProcess;
  log: string;
  restarts: number;
  backoffMs: number;
  stopping: boolean;
}

export interface SupervisorOptions {
  dataDir: string;
  kubeconfig: string;
  caPem: string;
  readyTimeoutMs: number;
  /** Told about starts, exits and restarts, for the terminal. */
  report: (message: string) => void;
  layout?: ClusterState['layout'];
  /** Runs once a component started by start() is first ready, before the next ones start (e.g. loading images into a node's containerd); a failure fails the start. */
  onReady?: (spec: ComponentSpec) => Promise<void>;
}

export function controlSocket(dataDir: string): string {
  return join(dataDir, 'supervisor.sock');
}

export class Supervisor {
  private readonly running: Running[] = [];
  private stopped = false;
  private ready = false;
  private readonly startedAt = new Date().toISOString();
  private control: Server | undefined;

  constructor(private readonly options: SupervisorOptions) {}

  private logFile(name: string): string {
    const dir = join(this.options.dataDir, 'logs');
    mkdirSync(dir, { recursive: true });
    return join(dir, `${name}.log`);
  }

  private spawnChild(spec: ComponentSpec, log: string): ChildProcess {
    const fd = openSync(log, 'a');
    try {
      const [program, args] = spec.command ? [spec.command, spec.args] : [process.execPath, [spec.entry, ...spec.args]];
      return spawn(program, args, { stdio: ['ignore', fd, fd], env: process.env });
    } finally {
      closeSync(fd);
    }
  }

  private record(): void {
    const components: ComponentState[] = this.running.map((r) => ({
      name: r.spec.name,
      pid: r.child.pid ?? 0,
      url: r.spec.url,
      log: r.log,
      restarts: r.restarts,
      replica: r.spec.replica,
      args: r.spec.args,
    }));
    const state: ClusterState = {
      supervisorPid: process.pid,
      dataDir: this.options.dataDir,
      kubeconfig: this.options.kubeconfig,
      startedAt: this.startedAt,
      ready: this.ready,
      components,
      layout: this.options.layout,
    };
    writeState(this.options.dataDir, state);
  }

  private watch(entry: Running): void {
    entry.child.once('exit', (code, signal) => {
      if (entry.stopping || this.stopped) return;
      this.options.report(`${entry.spec.name} exited (${signal ?? `code ${code}`}); restarting in ${entry.backoffMs / 1000}s — see ${entry.log}`);
      void sleep(entry.backoffMs).then(() => {
        if (entry.stopping || this.stopped) return;
        entry.restarts += 1;
        entry.backoffMs = Math.min(entry.backoffMs * 2, 30_000);
        entry.child = this.spawnChild(entry.spec, entry.log);
        this.watch(entry);
        this.record();
      });
    });
  }

  private launch(spec: ComponentSpec): Running {
    const log = this.logFile(spec.name);
    const entry: Running = { spec, child: this.spawnChild(spec, log), log, restarts: 0, backoffMs: 1000, stopping: false };
    this.running.push(entry);
    this.watch(entry);
    this.record();
    return entry;
  }

  private async waitReady(entry: Running): Promise<boolean> {
    return waitReady(`${entry.spec.url}/readyz`, this.options.caPem, this.options.readyTimeoutMs, () => entry.child.exitCode === null && !this.stopped && !entry.stopping);
  }

  /** Starts the components in order; resolves false (after stopping them) if one never became ready. */
  async start(specs: readonly ComponentSpec[]): Promise<boolean> {
    let unwaited: Running[] = [];
    for (const spec of specs) {
      unwaited.push(this.launch(spec));
      if (!spec.readyBeforeNext) continue;
      const results = await Promise.all(unwaited.map((entry) => this.waitReady(entry)));
      const failed = unwaited.find((_, i) => !results[i]);
      const batch = unwaited;
      unwaited = [];
      if (failed) {
        this.options.report(`${failed.spec.name} did not become ready; its log is ${failed.log}`);
        await this.stop();
        return false;
      }
      const { onReady } = this.options;
      if (onReady) {
        const errors = (await Promise.allSettled(batch.map((entry) => onReady(entry.spec)))).filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (errors.length > 0) {
          this.options.report(errors.map((e) => String(e.reason instanceof Error ? e.reason.message : e.reason)).join('\n'));
          await this.stop();
          return false;
        }
      }
    }
    this.ready = true;
    this.record();
    await this.listen();
    return true;
  }

  /** Starts one more component in the running cluster; resolves whether it became ready. */
  async add(spec: ComponentSpec): Promise<boolean> {
    if (this.running.some((r) => r.spec.name === spec.name && !r.stopping)) throw new Error(`${spec.name} is already running`);
    const entry = this.launch(spec);
    return this.waitReady(entry);
  }

  /** Stops one component and forgets it. */
  async remove(name: string): Promise<boolean> {
    const entry = this.running.find((r) => r.spec.name === name);
    if (!entry) return false;
    entry.stopping = true;
    const pid = entry.child.pid;
    if (pid !== undefined && entry.child.exitCode === null) await terminate(pid, 10_000);
    this.running.splice(this.running.indexOf(entry), 1);
    this.record();
    return true;
  }

  /** The control socket: POST /components (a ComponentSpec) starts one, DELETE /components/NAME stops one. */
  private async listen(): Promise<void> {
    const path = controlSocket(this.options.dataDir);
    rmSync(path, { force: true });
    this.control = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const answer = (code: number, body: unknown): void => void res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        const run = async (): Promise<void> => {
          if (req.method === 'POST' && req.url === '/components') {
            const spec = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ComponentSpec;
            this.options.report(`starting ${spec.name}`);
            const ready = await this.add(spec);
            return answer(ready ? 201 : 504, { ready });
          }
          const match = /^\/components\/([\w.-]+)$/.exec(req.url ?? '');
          if (req.method === 'DELETE' && match) {
            this.options.report(`stopping ${match[1]}`);
            return answer((await this.remove(match[1]!)) ? 200 : 404, {});
          }
          answer(404, { error: 'unknown request' });
        };
        run().catch((error: unknown) => answer(400, { error: (error as Error).message }));
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.control!.once('error', reject);
      this.control!.listen(path, () => resolve());
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.control?.close();
    rmSync(controlSocket(this.options.dataDir), { force: true });
    for (const entry of [...this.running].reverse()) {
      entry.stopping = true;
      const pid = entry.child.pid;
      if (pid !== undefined && entry.child.exitCode === null) await terminate(pid, 10_000);
    }
  }
}
