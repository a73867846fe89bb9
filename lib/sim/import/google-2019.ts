// The Google cluster trace 2019 (github.com/google/cluster-data, ClusterData2019.md) as its
// BigQuery tables export to newline-delimited JSON (INT64 columns come as strings, which are
// accepted as numbers too). One file may hold rows of both tables:
// - instance_events (rows with instance_index): time (microseconds), type (0 SUBMIT, 1 QUEUE,
//   2 ENABLE, 3 SCHEDULE, 4 EVICT, 5 FAIL, 6 FINISH, 7 KILL, 8 LOST, 9 UPDATE_PENDING,
//   10 UPDATE_RUNNING; the names are accepted too), collection_id, instance_index, priority,
//   collection_type (1: an alloc set's reservation, skipped: it holds room for other
//   instances rather than running), resource_request {cpus, memory}.
//   An instance becomes one pod <collection_id>-<instance_index> arriving at its first SUBMIT,
//   running from its first SCHEDULE to its first EVICT, FAIL, FINISH, KILL or LOST (to the end
//   without one, or without a SCHEDULE), with its priority (the trace's 0-450 scale, kept:
//   higher is more important, as in Kubernetes) and its last request: cpus and memory are
//   shares of the largest machine's, so of the cluster's largest node's (see scale.ts).
// - collection_events (rows without instance_index): time, type, collection_id, priority. A
//   collection's priority is used for its instances whose rows lack one.
// Time 0 (before the trace window) counts as the window's start; arrivals start at the earliest.
import { WorkloadError, type PodGroup } from '../workload.js';
import { podGroupOf } from './pod-group.js';
import { memoryQuantity, milliCpuQuantity, podName, type ClusterScale } from './scale.js';

const TYPES = ['SUBMIT', 'QUEUE', 'ENABLE', 'SCHEDULE', 'EVICT', 'FAIL', 'FINISH', 'KILL', 'LOST', 'UPDATE_PENDING', 'UPDATE_RUNNING'];
const SUBMIT = 0;
const SCHEDULE = 3;
const ENDS = new Set([4, 5, 6, 7, 8]);
/** The trace's "after the window" time (2^63 - 1). */
const NEVER = 2 ** 63 - 1;

interface Instance {
  name: string;
  collection: string;
  submitUs: number | undefined;
  scheduleUs: number | undefined;
  endUs: number | undefined;
  priority: number | undefined;
  cpus: number;
  memory: number;
  order: number;
}

const num = (v: unknown): number | undefined => {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
};

function eventType(v: unknown, line: number): number {
  const n = num(v) ?? (typeof v === 'string' ? TYPES.indexOf(v.toUpperCase()) : -1);
  if (n < 0 || n >= TYPES.length) throw new WorkloadError([`trace: line ${line}: type ${JSON.stringify(v)} is not an instance or collection event type (0-10 or SUBMIT ... UPDATE_RUNNING)`]);
  return n;
}

function parseRows(text: string): Record<string, unknown>[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) return JSON.parse(trimmed) as Record<string, unknown>[];
  return trimmed
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .map((l, i) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch (error) {
        throw new WorkloadError([`trace: line ${i + 1}: ${(error as Error).message}`]);
      }
    });
}

export function importGoogle2019(text: string, scale: ClusterScale): PodGroup[] {
  const instances = new Map<string, Instance>();
  const collectionPriority = new Map<string, number>();
  parseRows(text).forEach((row, i) => {
    const line = i + 1;
    const collection = String(row.collection_id ?? '');
    if (collection === '') throw new WorkloadError([`trace: line ${line}: no collection_id`]);
    const type = eventType(row.type, line);
    const time = Math.min(num(row.time) ?? 0, NEVER);
    const priority = num(row.priority);
    if (row.instance_index === undefined) {
      if (priority !== undefined) collectionPriority.set(collection, priority);
      return;
    }
    if (num(row.collection_type) === 1) return;
    const key = `${collection}/${String(row.instance_index)}`;
    let instance = instances.get(key);
    if (!instance) {
      instance = { name: podName(collection, String(row.instance_index)), collection, submitUs: undefined, scheduleUs: undefined, endUs: undefined, priority: undefined, cpus: 0, memory: 0, order: instances.size };
      instances.set(key, instance);
    }
    if (priority !== undefined) instance.priority = priority;
    const request = row.resource_request as { cpus?: unknown; memory?: unknown } | null | undefined;
    if (request) {
      instance.cpus = num(request.cpus) ?? instance.cpus;
      instance.memory = num(request.memory) ?? instance.memory;
    }
    if (type === SUBMIT && instance.submitUs === undefined) instance.submitUs = time;
    else if (type === SCHEDULE && instance.scheduleUs === undefined) instance.scheduleUs = time;
    else if (ENDS.has(type) && instance.endUs === undefined && time < NEVER) instance.endUs = time;
  });
  const submitted = [...instances.values()].filter((x) => x.submitUs !== undefined);
  const first = submitted.reduce((m, x) => Math.min(m, x.submitUs!), Number.POSITIVE_INFINITY);
  return submitted.map((x) =>
    podGroupOf({
      name: x.name,
      atMs: (x.submitUs! - first) / 1000,
      durationMs: x.scheduleUs !== undefined && x.endUs !== undefined && x.endUs > x.scheduleUs ? (x.endUs - x.scheduleUs) / 1000 : undefined,
      cpu: milliCpuQuantity(x.cpus * scale.milliCpu),
      memory: memoryQuantity(x.memory * scale.memory),
      priority: Math.round(x.priority ?? collectionPriority.get(x.collection) ?? 0),
    }),
  );
}
