// Small clusters for scheduler plugin tests: node and pod builders, a cache snapshot, and a
// Framework running only the plugins a test names.
import type { Affinity, Node, Pod, Taint, TopologySpreadConstraint } from 'kubernetes-types/core/v1.js';
import { SchedulerCache } from '../../lib/sched/cache.js';
import { CycleState } from '../../lib/sched/framework/cycle-state.js';
import { Framework, type FindNodesResult } from '../../lib/sched/framework/framework.js';
import type { HandleDeps } from '../../lib/sched/framework/interfaces.js';
import { emptyPlugins, type EnabledPlugin, type ExtensionPoint } from '../../lib/sched/framework/extension-points.js';
import { seededRandom } from '../../lib/sched/framework/random.js';
import { inTreePluginFactories } from '../../lib/sched/plugins/in-tree.js';
import { podInfoFromPod, type PodInfo, type Snapshot } from '../../lib/sched/types.js';

export interface NodeOptions {
  cpu?: string;
  pods?: number;
  taints?: Taint[];
}

export function node(name: string, labels: Record<string, string> = {}, options: NodeOptions = {}): Node {
  return {
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } },
    spec: options.taints ? { taints: options.taints } : {},
    status: { allocatable: { cpu: options.cpu ?? '4', memory: '8Gi', pods: String(options.pods ?? 110) } },
  };
}

export interface PodOptions {
  namespace?: string;
  labels?: Record<string, string>;
  nodeName?: string;
  priority?: number;
  cpu?: string;
  spread?: TopologySpreadConstraint[];
  affinity?: Affinity;
  nodeSelector?: Record<string, string>;
  startTime?: string;
  preemptionPolicy?: 'Never' | 'PreemptLowerPriority';
  nominatedNodeName?: string;
}

export function pod(name: string, options: PodOptions = {}): Pod {
  const namespace = options.namespace ?? 'default';
  return {
    metadata: { name, namespace, uid: `uid-${namespace}-${name}`, labels: options.labels ?? {} },
    spec: {
      containers: [{ name: 'c', image: 'busybox', ...(options.cpu ? { resources: { requests: { cpu: options.cpu } } } : {}) }],
      ...(options.nodeName ? { nodeName: options.nodeName } : {}),
      ...(options.priority !== undefined ? { priority: options.priority } : {}),
      ...(options.spread ? { topologySpreadConstraints: options.spread } : {}),
      ...(options.affinity ? { affinity: options.affinity } : {}),
      ...(options.nodeSelector ? { nodeSelector: options.nodeSelector } : {}),
      ...(options.preemptionPolicy ? { preemptionPolicy: options.preemptionPolicy } : {}),
    },
    status: {
      ...(options.startTime ? { startTime: options.startTime } : {}),
      ...(options.nominatedNodeName ? { nominatedNodeName: options.nominatedNodeName } : {}),
    },
  };
}

/** Bound pods are given as [nodeName, pod]; nodeName is written into the pod. */
export function snapshotOf(nodes: readonly Node[], bound: readonly (readonly [string, Pod])[] = []): Snapshot {
  const cache = new SchedulerCache();
  for (const n of nodes) cache.addNode(n);
  for (const [nodeName, p] of bound) cache.addPod({ ...p, spec: { ...p.spec!, nodeName } });
  return cache.snapshot();
}

export type PluginList = readonly (string | EnabledPlugin)[];

/** A Framework whose profile enables exactly the listed plugins at each extension point. */
export function frameworkWith(
  points: Partial<Record<ExtensionPoint, PluginList>>,
  pluginConfig: Record<string, unknown> = {},
  deps: Partial<HandleDeps> = {},
): Framework {
  const plugins = emptyPlugins();
  for (const [point, list] of Object.entries(points) as [ExtensionPoint, PluginList][]) {
    plugins[point] = list.map((p) => (typeof p === 'string' ? { name: p } : p));
  }
  return new Framework(
    { schedulerName: 'default-scheduler', plugins, pluginConfig },
    inTreePluginFactories(),
    { binder: async () => undefined, random: seededRandom(1), clock: () => Date.parse('2024-01-01T00:00:00Z'), ...deps },
  );
}

/** findNodes with every node scored and per-plugin scores reported. */
export function run(framework: Framework, p: Pod | PodInfo, snapshot: Snapshot): FindNodesResult {
  const info = 'pod' in p && 'key' in p ? (p as PodInfo) : podInfoFromPod(p as Pod);
  return framework.findNodes(info, snapshot, new CycleState(), { alwaysScore: true, wantPluginScores: true });
}

/** Feasible node names, sorted. */
export function feasibleNames(result: FindNodesResult): string[] {
  return result.feasible.map((n) => n.name).sort();
}

/** node → the named plugin's (weighted) score. */
export function pluginScores(result: FindNodesResult, plugin: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of result.feasible) out[n.name] = n.pluginScores?.find((s) => s.name === plugin)?.score ?? 0;
  return out;
}

/** node → "Code: reasons" for rejected nodes. */
export function rejections(result: FindNodesResult): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, s] of result.diagnosis.nodeToStatus) out[name] = `${s.codeName}: ${s.message()}`;
  return out;
}
