// A simulation's workload as a user writes it (YAML or JSON): node pools, timed pod arrivals
// (with how long each pod runs once scheduled), explicit deletions, and optionally the
// parameters of a synthetic workload (generate:, see generator.ts). parseWorkload reads and
// validates it; every problem names its field.
import type { Affinity, Taint, Toleration } from 'kubernetes-types/core/v1.js';
import { parse } from 'yaml';
import { Reader } from '../config/field-reader.js';

export interface NodePool {
  name: string;
  count: number;
  cpu: string;
  memory: string;
  /** Allocatable pods per node (default 110). */
  pods: number;
  labels: Record<string, string>;
  taints: Taint[];
}

export interface PodGroup {
  /** The pod's name; with count > 1 the pods are NAME-0 ... NAME-(count-1). */
  name: string;
  count: number;
  /** First arrival, milliseconds from the start. */
  atMs: number;
  /** Between two arrivals of the group. */
  everyMs: number;
  /** How long a pod runs once scheduled; undefined: until deleted or the end. */
  durationMs: number | undefined;
  cpu: string | undefined;
  memory: string | undefined;
  priority: number;
  labels: Record<string, string>;
  nodeSelector: Record<string, string>;
  tolerations: Toleration[];
  affinity: Affinity | undefined;
}

export interface PodDeletion {
  name: string;
  atMs: number;
}

export interface GenerateSpec {
  nodes: number;
  pods: number;
  /** Arrivals spread over this span (Poisson). */
  arrivalSpanMs: number;
  /** Mean of the exponential run time. */
  meanDurationMs: number;
}

export interface Workload {
  nodePools: NodePool[];
  pods: PodGroup[];
  deletions: PodDeletion[];
  generate: GenerateSpec | undefined;
}

export class WorkloadError extends Error {
  override name = 'WorkloadError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid workload: ${problems.join('; ')}`);
  }
}

function nodePool(r: Reader, raw: unknown, path: string): NodePool {
  const o = r.object(raw, path);
  return {
    name: r.name(o.name, `${path}.name`),
    count: r.integer(o.count, `${path}.count`, 1, 1, 100_000),
    cpu: r.quantity(o.cpu, `${path}.cpu`, true) ?? '0',
    memory: r.quantity(o.memory, `${path}.memory`, true) ?? '0',
    pods: r.integer(o.pods, `${path}.pods`, 110, 1, 10_000),
    labels: r.strings(o.labels, `${path}.labels`),
    taints: r.taints(o.taints, `${path}.taints`),
  };
}

export function podGroup(r: Reader, raw: unknown, path: string): PodGroup {
  const o = r.object(raw, path);
  return {
    name: r.name(o.name, `${path}.name`),
    count: r.integer(o.count, `${path}.count`, 1, 1, 10_000_000),
    atMs: r.duration(o.at, `${path}.at`) ?? 0,
    everyMs: r.duration(o.every, `${path}.every`) ?? 0,
    durationMs: r.duration(o.duration, `${path}.duration`),
    cpu: r.quantity(o.cpu, `${path}.cpu`, false),
    memory: r.quantity(o.memory, `${path}.memory`, false),
    priority: r.integer(o.priority, `${path}.priority`, 0, -2_147_483_648, 1_000_000_000),
    labels: r.strings(o.labels, `${path}.labels`),
    nodeSelector: r.strings(o.nodeSelector, `${path}.nodeSelector`),
    tolerations: r.list(o.tolerations, `${path}.tolerations`).map((t, i) => r.object(t, `${path}.tolerations[${i}]`) as Toleration),
    affinity: o.affinity === undefined ? undefined : (r.object(o.affinity, `${path}.affinity`) as Affinity),
  };
}

function generateSpec(r: Reader, raw: unknown): GenerateSpec | undefined {
  if (raw === undefined || raw === null) return undefined;
  const o = r.object(raw, 'generate');
  return {
    nodes: r.integer(o.nodes, 'generate.nodes', 100, 1, 100_000),
    pods: r.integer(o.pods, 'generate.pods', 1000, 0, 10_000_000),
    arrivalSpanMs: r.duration(o.arrivalSpan, 'generate.arrivalSpan') ?? 3_600_000,
    meanDurationMs: r.duration(o.meanDuration, 'generate.meanDuration') ?? 1_800_000,
  };
}

const FIELDS = new Set(['nodePools', 'pods', 'deletions', 'generate']);

/** A workload from its YAML (or JSON) text; throws WorkloadError listing every problem. */
export function parseWorkload(text: string): Workload {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw new WorkloadError([`cannot parse YAML: ${(error as Error).message}`]);
  }
  const r = new Reader();
  const o = r.object(raw, 'workload');
  for (const key of Object.keys(o)) if (!FIELDS.has(key)) r.fail(key, 'unknown field (known: nodePools, pods, deletions, generate)');
  const workload: Workload = {
    nodePools: r.list(o.nodePools, 'nodePools').map((p, i) => nodePool(r, p, `nodePools[${i}]`)),
    pods: r.list(o.pods, 'pods').map((p, i) => podGroup(r, p, `pods[${i}]`)),
    deletions: r.list(o.deletions, 'deletions').map((d, i) => {
      const e = r.object(d, `deletions[${i}]`);
      return { name: r.name(e.name, `deletions[${i}].name`), atMs: r.duration(e.at, `deletions[${i}].at`) ?? 0 };
    }),
    generate: generateSpec(r, o.generate),
  };
  if (workload.nodePools.length === 0 && !workload.generate) r.fail('nodePools', 'Required value: at least one node pool (or generate:)');
  const pools = new Set<string>();
  workload.nodePools.forEach((p, i) => {
    if (pools.has(p.name)) r.fail(`nodePools[${i}].name`, `Duplicate value: ${JSON.stringify(p.name)}`);
    pools.add(p.name);
  });
  if (r.problems.length > 0) throw new WorkloadError(r.problems);
  return workload;
}

/** The built-in example: 5,000 nodes and 100,000 pods from the synthetic generator. */
export const EXAMPLE_WORKLOAD: Workload = {
  nodePools: [],
  pods: [],
  deletions: [],
  generate: { nodes: 5000, pods: 100_000, arrivalSpanMs: 3_600_000, meanDurationMs: 1_800_000 },
};
