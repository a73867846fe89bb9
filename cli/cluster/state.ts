// The running cluster as `rudder up` records it in <data-dir>/cluster.json: the supervisor's pid
// and each component's pid, URL and log file. `rudder status` and `rudder down` read it.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterLayout } from './components.js';

export interface ComponentState {
  name: string;
  pid: number;
  /** Where /livez, /readyz and /metrics answer. */
  url: string;
  log: string;
  restarts: number;
  /** Set for an apiserver replica of a replicated store. */
  replica?: { id: number; peerAddress: string };
  /** How it was started, so `rudder apiserver add` can start more like it. */
  args?: string[];
}

export interface ClusterState {
  supervisorPid: number;
  dataDir: string;
  kubeconfig: string;
  startedAt: string;
  /** True once every component answered /readyz. */
  ready: boolean;
  components: ComponentState[];
  /** The cluster's shape as `rudder up` laid it out. */
  layout?: Omit<ClusterLayout, 'dataDir'>;
}

export function statePath(dataDir: string): string {
  return join(dataDir, 'cluster.json');
}

export function readState(dataDir: string): ClusterState | undefined {
  const path = statePath(dataDir);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as ClusterState;
  } catch {
    return undefined;
  }
}

/** Written whole to a temporary file and renamed, so readers never see half a file. */
export function writeState(dataDir: string, state: ClusterState): void {
  const path = statePath(dataDir);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}

export function removeState(dataDir: string): void {
  rmSync(statePath(dataDir), { force: true });
}
