// v1 defaults: one "default-scheduler" profile, kube-scheduler's default plugin set expressed
// as multiPoint with its weights, and a custom profile's plugins merged over it as
// mergePluginSet does (re-configured defaults keep their place, "*" drops them all).
import { EXTENSION_POINTS } from '../framework/extension-points.js';
import { PluginNames as N } from '../plugins/in-tree.js';
import { API_VERSION, DEFAULT_SCHEDULER_NAME, KIND, type KubeSchedulerConfiguration, type KubeSchedulerProfile, type PluginEntry, type PluginSet, type Plugins } from './types.js';

/** getDefaultPlugins() of kubescheduler.config.k8s.io/v1 (volume plugins omitted: Rudder has no volume binding). */
export function defaultMultiPoint(): PluginEntry[] {
  return [
    { name: N.SchedulingGates },
    { name: N.PrioritySort },
    { name: N.NodeUnschedulable },
    { name: N.NodeName },
    { name: N.TaintToleration, weight: 3 },
    { name: N.NodeAffinity, weight: 2 },
    { name: N.NodePorts },
    { name: N.NodeResourcesFit, weight: 1 },
    { name: N.PodTopologySpread, weight: 2 },
    { name: N.InterPodAffinity, weight: 2 },
    { name: N.DefaultPreemption },
    { name: N.NodeResourcesBalancedAllocation, weight: 1 },
    { name: N.ImageLocality, weight: 1 },
    { name: N.DefaultBinder },
  ];
}

export function mergePluginSet(defaults: PluginSet, custom: PluginSet | undefined): PluginSet {
  const disabled = (custom?.disabled ?? []).map((p) => ({ name: p.name }));
  const disabledNames = new Set(disabled.map((p) => p.name));
  const customEnabled = custom?.enabled ?? [];
  const customIndex = new Map(customEnabled.map((p, i) => [p.name, i]));
  const replaced = new Set<number>();
  const enabled: PluginEntry[] = [];
  if (!disabledNames.has('*')) {
    for (const d of defaults.enabled ?? []) {
      if (disabledNames.has(d.name)) continue;
      const i = customIndex.get(d.name);
      if (i !== undefined) {
        enabled.push(customEnabled[i]!);
        replaced.add(i);
      } else enabled.push(d);
    }
  }
  customEnabled.forEach((p, i) => {
    if (!replaced.has(i)) enabled.push(p);
  });
  return { enabled, disabled };
}

export function defaultPlugins(custom: Plugins | undefined): Plugins {
  const merged: Plugins = { multiPoint: mergePluginSet({ enabled: defaultMultiPoint() }, custom?.multiPoint) };
  for (const point of EXTENSION_POINTS) merged[point] = mergePluginSet({ enabled: [] }, custom?.[point]);
  return merged;
}

/** Fills defaults in place and returns the configuration. */
export function defaultConfiguration(raw: Partial<KubeSchedulerConfiguration>): KubeSchedulerConfiguration {
  const profiles: KubeSchedulerProfile[] =
    raw.profiles && raw.profiles.length > 0 ? raw.profiles : [{ schedulerName: DEFAULT_SCHEDULER_NAME }];
  const cfg: KubeSchedulerConfiguration = {
    ...raw,
    apiVersion: raw.apiVersion ?? API_VERSION,
    kind: raw.kind ?? KIND,
    parallelism: raw.parallelism ?? 16,
    percentageOfNodesToScore: raw.percentageOfNodesToScore ?? 0,
    podInitialBackoffSeconds: raw.podInitialBackoffSeconds ?? 1,
    podMaxBackoffSeconds: raw.podMaxBackoffSeconds ?? 10,
    profiles: profiles.map((p) => ({
      ...p,
      schedulerName: p.schedulerName === undefined || p.schedulerName === '' ? (profiles.length === 1 ? DEFAULT_SCHEDULER_NAME : p.schedulerName) : p.schedulerName,
      plugins: defaultPlugins(p.plugins),
      pluginConfig: p.pluginConfig ?? [],
    })),
  };
  return cfg;
}
