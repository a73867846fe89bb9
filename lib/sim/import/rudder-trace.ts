// Rudder's own trace formats, one pod group per entry with the fields of a workload's pods:
// entry, and `arrival` for its `at`:
// - json: an array of objects (or one object per line): name, count, arrival, every, duration,
//   cpu, memory, priority, labels, nodeSelector, tolerations, affinity;
// - csv: a header naming some of name, count, arrival, every, duration, cpu, memory, priority,
//   labels (key=value;key=value), then one pod group a line (no quoted fields).
// Times are seconds or durations ("90s"), requests quantities ("500m", "1Gi").
import { Reader } from '../../config/field-reader.js';
import { podGroup, WorkloadError, type PodGroup } from '../workload.js';

const CSV_COLUMNS = new Set(['name', 'count', 'arrival', 'every', 'duration', 'cpu', 'memory', 'priority', 'labels']);
const NUMERIC = new Set(['count', 'priority']);

function groups(entries: readonly unknown[]): PodGroup[] {
  const r = new Reader();
  const out = entries.map((raw, i) => {
    const o = r.object(raw, `trace[${i}]`);
    const { arrival, ...rest } = o;
    return podGroup(r, { ...rest, ...(arrival !== undefined ? { at: arrival } : {}) }, `trace[${i}]`);
  });
  if (r.problems.length > 0) throw new WorkloadError(r.problems);
  return out;
}

export function importJsonTrace(text: string): PodGroup[] {
  const trimmed = text.trim();
  try {
    const entries: unknown = trimmed.startsWith('[') ? JSON.parse(trimmed) : trimmed.split(/\r?\n/).filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as unknown);
    return groups(entries as unknown[]);
  } catch (error) {
    if (error instanceof WorkloadError) throw error;
    throw new WorkloadError([`trace: cannot parse JSON: ${(error as Error).message}`]);
  }
}

export function importCsvTrace(text: string): PodGroup[] {
  const [head, ...lines] = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const columns = (head ?? '').split(',').map((c) => c.trim());
  const unknown = columns.filter((c) => !CSV_COLUMNS.has(c));
  if (unknown.length > 0 || !columns.includes('name')) {
    throw new WorkloadError([`trace: the CSV header names ${unknown.length > 0 ? `unknown columns ${unknown.join(', ')}` : 'no name column'} (known: ${[...CSV_COLUMNS].join(', ')})`]);
  }
  return groups(
    lines.map((line) => {
      const fields = line.split(',').map((f) => f.trim());
      const entry: Record<string, unknown> = {};
      columns.forEach((c, i) => {
        const f = fields[i];
        if (f === undefined || f === '') return;
        if (c === 'labels') entry.labels = Object.fromEntries(f.split(';').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
        else entry[c] = NUMERIC.has(c) || c === 'arrival' || c === 'every' || c === 'duration' ? (Number.isFinite(Number(f)) ? Number(f) : f) : f;
      });
      return entry;
    }),
  );
}
