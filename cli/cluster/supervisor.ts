// Runs the cluster's components as child processes, each logging to <data-dir>/logs/<name>.log,
// restarts one that dies (with backoff), records pids in cluster.json, and stops them all in
// reverse order.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ComponentSpec } from './components.js';
import { terminate } from './process.js';
import { waitReady } from './probe.js';
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
}

export class Supervisor {
  private readonly running: Running[] = [];
  private stopped = false;
  private ready = false;
  private readonly startedAt = new Date().toISOString();

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
    }));
    const state: ClusterState = {
      supervisorPid: process.pid,
      dataDir: this.options.dataDir,
      kubeconfig: this.options.kubeconfig,
      startedAt: this.startedAt,
      ready: this.ready,
      components,
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

  /** Starts the components in order; resolves false (after stopping them) if one never became ready. */
  async start(specs: readonly ComponentSpec[]): Promise<boolean> {
    for (const spec of specs) {
      const log = this.logFile(spec.name);
      const entry: Running = { spec, child: this.spawnChild(spec, log), log, restarts: 0, backoffMs: 1000, stopping: false };
      this.running.push(entry);
      this.watch(entry);
      this.record();
      if (!spec.readyBeforeNext) continue;
      const ready = await waitReady(`${spec.url}/readyz`, this.options.caPem, this.options.readyTimeoutMs, () => entry.child.exitCode === null && !this.stopped);
      if (!ready) {
        this.options.report(`${spec.name} did not become ready; its log is ${log}`);
        await this.stop();
        return false;
      }
    }
    this.ready = true;
    this.record();
    return true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const entry of [...this.running].reverse()) {
      entry.stopping = true;
      const pid = entry.child.pid;
      if (pid !== undefined && entry.child.exitCode === null) await terminate(pid, 10_000);
    }
  }
}
