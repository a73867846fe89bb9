// The scheduler configurations a simulation compares. Built-in names map to
// KubeSchedulerConfigurations as Kubernetes documents them (NodeResourcesFit's scoring
// strategies); anything else is a KubeSchedulerConfiguration file, whose first profile is used.
import { basename, extname } from 'node:path';
import { loadSchedulerConfiguration, readSchedulerConfiguration, type KubeSchedulerConfiguration } from '../sched/config/index.js';

export interface SimProfile {
  /** The name in results: the built-in name, or the file's name without its extension. */
  name: string;
  configuration: KubeSchedulerConfiguration;
}

const RESOURCES = [
  { name: 'cpu', weight: 1 },
  { name: 'memory', weight: 1 },
];

function scoringStrategy(type: 'LeastAllocated' | 'MostAllocated'): KubeSchedulerConfiguration {
  return loadSchedulerConfiguration({
    profiles: [{ schedulerName: 'default-scheduler', pluginConfig: [{ name: 'NodeResourcesFit', args: { scoringStrategy: { type, resources: RESOURCES } } }] }],
  });
}

export const BUILT_IN_PROFILES: Readonly<Record<string, () => KubeSchedulerConfiguration>> = {
  /** kube-scheduler's defaults (LeastAllocated, BalancedAllocation, ...). */
  default: () => loadSchedulerConfiguration({}),
  'least-allocated': () => scoringStrategy('LeastAllocated'),
  'most-allocated': () => scoringStrategy('MostAllocated'),
  /** Resources balanced on each node: NodeResourcesBalancedAllocation scores alone (NodeResourcesFit still filters). */
  balanced: () =>
    loadSchedulerConfiguration({
      profiles: [{ schedulerName: 'default-scheduler', plugins: { score: { disabled: [{ name: 'NodeResourcesFit' }] } } }],
    }),
};

/** A built-in name or the path of a KubeSchedulerConfiguration file (YAML or JSON). */
export async function resolveProfile(nameOrPath: string): Promise<SimProfile> {
  const builtIn = BUILT_IN_PROFILES[nameOrPath];
  if (builtIn) return { name: nameOrPath, configuration: builtIn() };
  if (!/[./]/.test(nameOrPath)) {
    throw new Error(`unknown profile "${nameOrPath}": use ${Object.keys(BUILT_IN_PROFILES).join(', ')} or the path of a KubeSchedulerConfiguration file`);
  }
  return { name: basename(nameOrPath, extname(nameOrPath)), configuration: await readSchedulerConfiguration(nameOrPath) };
}
