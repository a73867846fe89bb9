// Writes bench/results/<name>.json and prints a short table, so every run leaves a comparable record.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bench', 'results');

export function machine(): Record<string, unknown> {
  return { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, platform: process.platform };
}

export function writeResults(name: string, result: Record<string, unknown>): string {
  mkdirSync(RESULTS, { recursive: true });
  const path = join(RESULTS, `${name}.json`);
  writeFileSync(path, `${JSON.stringify({ benchmark: name, date: new Date().toISOString(), machine: machine(), ...result }, null, 2)}\n`);
  return path;
}

export function printTable(rows: (string | number)[][]): void {
  const text = rows.map((r) => r.map(String));
  const widths = text[0]!.map((_, i) => Math.max(...text.map((r) => (r[i] ?? '').length)));
  for (const row of text) process.stdout.write(`${row.map((c, i) => c.padEnd(widths[i]! + 2)).join('').trimEnd()}\n`);
}
