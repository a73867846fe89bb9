// What the simulated runtimes of one process hold, kept on disk so that a restarted kubelet finds
// its "containers" still there (as a real node's containerd outlives its kubelet) and adopts them.
// One file for every simulated node of the process; written at most once per flush interval,
// atomically (temporary file, then rename).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Clock, Timer } from '../../../../lib/client/clock.js';
import type { Logger } from '../../../../lib/observe/logger.js';
import type { ContainerObservation, SandboxObservation } from '../pod-runtime.js';

/** A simulated container: what it shows, and when its pending stages fall due. */
export interface SimContainerRecord extends ContainerObservation {
  /** An init container that must run to completion before the next one. */
  init: boolean;
  /** While created: when it starts running. */
  startAt?: number;
  readyAt?: number;
  exitAt?: number;
  plannedExitCode?: number;
}

export interface SimPodRecord {
  uid: string;
  name: string;
  namespace: string;
  sandbox?: SandboxObservation;
  containers: Record<string, SimContainerRecord>;
}

interface CheckpointFile {
  version: 1;
  nodes: Record<string, Record<string, SimPodRecord>>;
}

export interface SimCheckpointConfig {
  /** The file; empty keeps everything in memory (a restart then finds nothing). */
  path: string;
  clock: Clock;
  flushIntervalMs?: number;
  log?: Logger;
}

export class SimCheckpoint {
  private readonly nodes = new Map<string, Map<string, SimPodRecord>>();
  private timer: Timer | undefined;
  private readonly flushIntervalMs: number;

  constructor(private readonly config: SimCheckpointConfig) {
    this.flushIntervalMs = config.flushIntervalMs ?? 1000;
    if (config.path === '') return;
    let text: string;
    try {
      text = readFileSync(config.path, 'utf8');
    } catch {
      return;
    }
    try {
      const file = JSON.parse(text) as CheckpointFile;
      for (const [node, pods] of Object.entries(file.nodes ?? {})) this.nodes.set(node, new Map(Object.entries(pods)));
    } catch (error) {
      config.log?.warn({ path: config.path, err: error }, 'simulated runtime checkpoint unreadable; starting empty');
    }
  }

  /** The live map of one node's pods (created empty); callers mutate it and call changed(). */
  pods(node: string): Map<string, SimPodRecord> {
    let pods = this.nodes.get(node);
    if (!pods) this.nodes.set(node, (pods = new Map()));
    return pods;
  }

  changed(): void {
    if (this.config.path === '' || this.timer) return;
    this.timer = this.config.clock.setTimer(() => {
      this.timer = undefined;
      this.flush();
    }, this.flushIntervalMs);
  }

  flush(): void {
    if (this.config.path === '') return;
    this.timer?.cancel();
    this.timer = undefined;
    const file: CheckpointFile = { version: 1, nodes: {} };
    for (const [node, pods] of this.nodes) if (pods.size > 0) file.nodes[node] = Object.fromEntries(pods);
    try {
      mkdirSync(dirname(this.config.path), { recursive: true });
      const temporary = `${this.config.path}.tmp`;
      writeFileSync(temporary, JSON.stringify(file));
      renameSync(temporary, this.config.path);
    } catch (error) {
      this.config.log?.error({ path: this.config.path, err: error }, 'could not write the simulated runtime checkpoint');
    }
  }
}
