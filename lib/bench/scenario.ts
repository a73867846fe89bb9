// A benchmark scenario as a user writes it (YAML or JSON), in the manner of clusterloader2's test
// configs: how many simulated nodes a cluster started for it gets, the pods it makes, phases run
// in order (each one action at a rate, then an optional wait), which SLIs it measures and the SLO
// thresholds it checks them against. parseScenario reads and validates it; every problem names
// its field.
import { parse } from 'yaml';
import { Reader } from '../config/field-reader.js';

export const ACTIONS = ['createNamespaces', 'createDeployments', 'createPods', 'scaleDeployments', 'churnPods', 'deleteNamespaces'] as const;
export type Action = (typeof ACTIONS)[number];
export const WAITS = ['none', 'scheduled', 'running', 'deleted'] as const;
export type Wait = (typeof WAITS)[number];
export const MEASUREMENTS = ['apiCallLatency', 'podStartupLatency', 'schedulingThroughput'] as const;
export type Measurement = (typeof MEASUREMENTS)[number];

export interface Phase {
  name: string;
  action: Action;
  /** createNamespaces: namespaces; createDeployments: per namespace; createPods: per namespace. */
  count: number;
  /** createDeployments, createPods: the pods of the phase across all namespaces are podsPerNode × nodes (instead of count). */
  podsPerNode: number | undefined;
  /** createDeployments, scaleDeployments: replicas per Deployment. */
  replicas: number;
  /** Requests per second of the action (0: as fast as the scenario's concurrency allows). */
  qps: number;
  /** churnPods: how long to churn. */
  durationMs: number;
  wait: Wait;
  timeoutMs: number;
  /**
   * createPods, createDeployments: make the phase's pods with the scheduler stopped, then start it,
   * so scheduling throughput is the scheduler's (first binding to last), not the pace of creation.
   * Needs a cluster the bench starts.
   */
  backlog: boolean;
}

export interface SloThresholds {
  /** Single-object mutating calls (POST, PUT, PATCH, DELETE): p99 within 1 s. */
  mutatingP99Ms: number;
  /** Single-object GET: p99 within 1 s. */
  getP99Ms: number;
  /** Namespaced LIST: p99 within 5 s. */
  listNamespaceP99Ms: number;
  /** Cluster-scoped LIST: p99 within 30 s. */
  listClusterP99Ms: number;
  /** Pod startup (create to Running as seen on a watch, stateless pods without image pulls): p99 within 5 s. */
  podStartupP99Ms: number;
  /** Scheduling throughput floor in pods per second (Kubernetes has no SLO for it: 0 by default). */
  schedulingThroughputMin: number;
}

export interface Scenario {
  name: string;
  description: string;
  /** Simulated nodes of a cluster bench starts itself (--nodes overrides). */
  nodes: number;
  /** Requests the bench's client makes at once. */
  concurrency: number;
  pod: { cpu: string; memory: string };
  phases: Phase[];
  measurements: Measurement[];
  slo: SloThresholds;
}

/** Kubernetes' SLOs (kubernetes/community sig-scalability/slos). */
export const KUBERNETES_SLOS: SloThresholds = {
  mutatingP99Ms: 1000,
  getP99Ms: 1000,
  listNamespaceP99Ms: 5000,
  listClusterP99Ms: 30_000,
  podStartupP99Ms: 5000,
  schedulingThroughputMin: 0,
};

export class ScenarioError extends Error {
  override name = 'ScenarioError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid scenario: ${problems.join('; ')}`);
  }
}

const TOP_FIELDS = new Set(['name', 'description', 'nodes', 'concurrency', 'pod', 'phases', 'measurements', 'slo']);
const PHASE_FIELDS = new Set(['name', 'action', 'count', 'podsPerNode', 'replicas', 'qps', 'duration', 'wait', 'timeout', 'backlog']);
const SLO_FIELDS: Record<string, keyof SloThresholds> = {
  mutatingP99: 'mutatingP99Ms',
  getP99: 'getP99Ms',
  listNamespaceP99: 'listNamespaceP99Ms',
  listClusterP99: 'listClusterP99Ms',
  podStartupP99: 'podStartupP99Ms',
};

function oneOf<T extends string>(r: Reader, value: unknown, path: string, allowed: readonly T[], fallback: T | undefined): T {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    r.fail(path, value === undefined ? 'Required value' : `Unsupported value: ${JSON.stringify(value)}: supported values: ${allowed.map((a) => `"${a}"`).join(', ')}`);
    return allowed[0]!;
  }
  return value as T;
}

function unknownFields(r: Reader, o: Record<string, unknown>, known: Set<string>, path: string): void {
  for (const key of Object.keys(o)) if (!known.has(key)) r.fail(path ? `${path}.${key}` : key, `unknown field (known: ${[...known].join(', ')})`);
}

function phase(r: Reader, raw: unknown, path: string): Phase {
  const o = r.object(raw, path);
  unknownFields(r, o, PHASE_FIELDS, path);
  const action = oneOf(r, o.action, `${path}.action`, ACTIONS, undefined);
  const podsPerNode = o.podsPerNode === undefined ? undefined : r.integer(o.podsPerNode, `${path}.podsPerNode`, 1, 1, 110);
  if (podsPerNode !== undefined && action !== 'createDeployments' && action !== 'createPods') r.fail(`${path}.podsPerNode`, 'only createDeployments and createPods take podsPerNode');
  if (o.backlog !== undefined && typeof o.backlog !== 'boolean') r.fail(`${path}.backlog`, 'must be true or false');
  const backlog = o.backlog === true;
  if (backlog && action !== 'createDeployments' && action !== 'createPods') r.fail(`${path}.backlog`, 'only createDeployments and createPods take backlog');
  const durationMs = r.duration(o.duration, `${path}.duration`) ?? 0;
  if (action === 'churnPods' && durationMs <= 0) r.fail(`${path}.duration`, 'Required value: how long to churn, e.g. 30s');
  return {
    name: r.name(o.name, `${path}.name`),
    action,
    count: r.integer(o.count, `${path}.count`, 1, 1, 1_000_000),
    podsPerNode,
    replicas: r.integer(o.replicas, `${path}.replicas`, 1, 0, 1_000_000),
    qps: r.integer(o.qps, `${path}.qps`, 0, 0, 100_000),
    durationMs,
    wait: oneOf(r, o.wait, `${path}.wait`, WAITS, 'none'),
    timeoutMs: r.duration(o.timeout, `${path}.timeout`) ?? 600_000,
    backlog,
  };
}

function slo(r: Reader, raw: unknown): SloThresholds {
  const o = r.object(raw, 'slo');
  unknownFields(r, o, new Set([...Object.keys(SLO_FIELDS), 'schedulingThroughput']), 'slo');
  const thresholds = { ...KUBERNETES_SLOS };
  for (const [field, key] of Object.entries(SLO_FIELDS)) {
    const ms = r.duration(o[field], `slo.${field}`);
    if (ms !== undefined) thresholds[key] = ms;
  }
  thresholds.schedulingThroughputMin = r.integer(o.schedulingThroughput, 'slo.schedulingThroughput', 0, 0, 1_000_000);
  return thresholds;
}

/** A scenario from its YAML (or JSON) text; throws ScenarioError listing every problem. */
export function parseScenario(text: string): Scenario {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw new ScenarioError([`cannot parse YAML: ${(error as Error).message}`]);
  }
  const r = new Reader();
  const o = r.object(raw, 'scenario');
  unknownFields(r, o, TOP_FIELDS, '');
  const pod = r.object(o.pod, 'pod');
  unknownFields(r, pod, new Set(['cpu', 'memory']), 'pod');
  const phases = r.list(o.phases, 'phases').map((p, i) => phase(r, p, `phases[${i}]`));
  if (phases.length === 0) r.fail('phases', 'Required value: at least one phase');
  const names = new Set<string>();
  phases.forEach((p, i) => {
    if (names.has(p.name)) r.fail(`phases[${i}].name`, `Duplicate value: ${JSON.stringify(p.name)}`);
    names.add(p.name);
  });
  if (phases.length > 0 && phases[0]!.action !== 'createNamespaces') r.fail('phases[0].action', 'the first phase must be createNamespaces: every other action works in the namespaces it made');
  const measurements = o.measurements === undefined ? [...MEASUREMENTS] : r.list(o.measurements, 'measurements').map((m, i) => oneOf(r, m, `measurements[${i}]`, MEASUREMENTS, undefined));
  const scenario: Scenario = {
    name: r.name(o.name, 'name'),
    description: typeof o.description === 'string' ? o.description : '',
    nodes: r.integer(o.nodes, 'nodes', 100, 1, 100_000),
    concurrency: r.integer(o.concurrency, 'concurrency', 32, 1, 1024),
    pod: { cpu: r.quantity(pod.cpu, 'pod.cpu', false) ?? '10m', memory: r.quantity(pod.memory, 'pod.memory', false) ?? '10Mi' },
    phases,
    measurements,
    slo: slo(r, o.slo),
  };
  if (r.problems.length > 0) throw new ScenarioError(r.problems);
  return scenario;
}
