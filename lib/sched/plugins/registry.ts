// The in-tree plugin registry (kube-scheduler's plugins.NewInTreeRegistry): every default
// plugin by its Kubernetes name. A plugin missing here is simply absent from the default
// profile (config/defaults.ts skips names the registry lacks).
import { Registry, type PluginFactory } from '../framework/registry.js';

/** Names as kube-scheduler spells them (pkg/scheduler/framework/plugins/names). */
export const PluginNames = {
  PrioritySort: 'PrioritySort',
  DefaultBinder: 'DefaultBinder',
  DefaultPreemption: 'DefaultPreemption',
  ImageLocality: 'ImageLocality',
  InterPodAffinity: 'InterPodAffinity',
  NodeAffinity: 'NodeAffinity',
  NodeName: 'NodeName',
  NodePorts: 'NodePorts',
  NodeResourcesBalancedAllocation: 'NodeResourcesBalancedAllocation',
  NodeResourcesFit: 'NodeResourcesFit',
  NodeUnschedulable: 'NodeUnschedulable',
  PodTopologySpread: 'PodTopologySpread',
  SchedulingGates: 'SchedulingGates',
  TaintToleration: 'TaintToleration',
} as const;

const IN_TREE: [string, PluginFactory][] = [
  // sched-plugins adds PodTopologySpread, InterPodAffinity and DefaultPreemption here.
];

export function inTreeRegistry(): Registry {
  return new Registry(IN_TREE);
}
