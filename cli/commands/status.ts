// rudder status: each recorded component with its pid and whether it answers /readyz, as a table
// or as JSON (-o json).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isAlive } from '../cluster/process.js';
import { probe } from '../cluster/probe.js';
import { readState } from '../cluster/state.js';

export interface ComponentStatus {
  name: string;
  pid: number;
  url: string;
  healthy: boolean;
  restarts: number;
}

export interface StatusReport {
  running: boolean;
  dataDir: string;
  kubeconfig?: string;
  apiservers: { url: string; pid: number; healthy: boolean }[];
  components: ComponentStatus[];
}

export async function collectStatus(dataDir: string): Promise<StatusReport> {
  const state = readState(dataDir);
  if (!state || !isAlive(state.supervisorPid)) return { running: false, dataDir, apiservers: [], components: [] };
  let caPem: string | undefined;
  try {
    caPem = readFileSync(join(dataDir, 'pki', 'ca.crt'), 'utf8');
  } catch {
    caPem = undefined;
  }
  const components = await Promise.all(
    state.components.map(async (c) => ({
      name: c.name,
      pid: c.pid,
      url: c.url,
      restarts: c.restarts,
      healthy: isAlive(c.pid) && (await probe(`${c.url}/readyz`, caPem)),
    })),
  );
  return {
    running: true,
    dataDir,
    kubeconfig: state.kubeconfig,
    apiservers: components.filter((c) => c.name.startsWith('apiserver')).map((c) => ({ url: c.url, pid: c.pid, healthy: c.healthy })),
    components,
  };
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]! + 3)).join('').trimEnd()).join('\n') + '\n';
}

export async function status(options: { dataDir: string; output: string }): Promise<number> {
  const report = await collectStatus(resolve(options.dataDir));
  if (options.output === 'json') {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return report.running ? 0 : 1;
  }
  if (!report.running) {
    process.stdout.write(`No Rudder cluster is running from ${report.dataDir}.\n`);
    return 1;
  }
  const rows = [['COMPONENT', 'PID', 'HEALTHY', 'RESTARTS', 'URL'], ...report.components.map((c) => [c.name, String(c.pid), c.healthy ? 'yes' : 'no', String(c.restarts), c.url])];
  process.stdout.write(table(rows));
  return report.components.every((c) => c.healthy) ? 0 : 1;
}
