// The scheduler configurations a simulation compares. Built-in names map to
// KubeSchedulerConfigurations as Kubernetes documents them (NodeResourcesFit's scoring
// strategies); anything else is a KubeSchedulerConfiguration file, whose first profile is used.
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { parse } from 'yaml';
import { loadSchedulerConfiguration, parseSchedulerConfiguration, type KubeSchedulerConfiguration } from '../sched/config/index.js';

export interface SimProfile {
  /** The name in results: the built-in name, or the file's name without its extension. */
  name: string;
  configuration: KubeSchedulerConfiguration;
  /** The configuration as written (before defaults), for a scheduler process's --config. */
  document: Partial<KubeSchedulerConfiguration>;
}

const RESOURCES = [
  { name: 'cpu', weight: 1 },
  { name: 'memory', weight: 1 },
];

const scoringStrategy = (type: 'LeastAllocated' | 'MostAllocated'): Partial<KubeSchedulerConfiguration> => ({
  profiles: [{ schedulerName: 'default-scheduler', pluginConfig: [{ name: 'NodeResourcesFit', args: { scoringStrategy: { type, resources: RESOURCES } } }] }],
});

/** The built-in profiles' configurations as written (loadSchedulerConfiguration defaults them). */
const BUILT_IN_DOCUMENTS: Readonly<Record<string, Partial<KubeSchedulerConfiguration>>> = {
  /** kube-scheduler's defaults (LeastAllocated, BalancedAllocation, ...). */
  default: {},
  'least-allocated': scoringStrategy('LeastAllocated'),
  'most-allocated': scoringStrategy('MostAllocated'),
  /** Resources balanced on each node: NodeResourcesBalancedAllocation scores alone (NodeResourcesFit still filters). */
  balanced: { profiles: [{ schedulerName: 'default-scheduler', plugins: { score: { disabled: [{ name: 'NodeResourcesFit' }] } } }] } as Partial<KubeSchedulerConfiguration>,
};

export const BUILT_IN_PROFILES: Readonly<Record<string, () => KubeSchedulerConfiguration>> = Object.fromEntries(
  Object.entries(BUILT_IN_DOCUMENTS).map(([name, document]) => [name, () => loadSchedulerConfiguration(structuredClone(document))]),
);

/** A built-in name or the path of a KubeSchedulerConfiguration file (YAML or JSON). */
export async function resolveProfile(nameOrPath: string): Promise<SimProfile> {
  const builtIn = BUILT_IN_PROFILES[nameOrPath];
  if (builtIn) return { name: nameOrPath, configuration: builtIn(), document: structuredClone(BUILT_IN_DOCUMENTS[nameOrPath]!) };
  if (!/[./]/.test(nameOrPath)) {
    throw new Error(`unknown profile "${nameOrPath}": use ${Object.keys(BUILT_IN_PROFILES).join(', ')} or the path of a KubeSchedulerConfiguration file`);
  }
  const text = await readFile(nameOrPath, 'utf8');
  const configuration = parseSchedulerConfiguration(text);
  return { name: basename(nameOrPath, extname(nameOrPath)), configuration, document: (parse(text) as Partial<KubeSchedulerConfiguration> | null) ?? {} };
}
