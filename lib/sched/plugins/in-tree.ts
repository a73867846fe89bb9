// The in-tree plugin factories (kube-scheduler's plugins.NewInTreeRegistry): every default
// plugin by its Kubernetes name. A plugin missing here is simply absent from the default
// profile (config/defaults.ts skips names the registry lacks).
import { PluginFactories, type PluginFactory } from '../framework/plugin-factories.js';
import { newDefaultBinder } from './default-binder.js';
import { newDefaultPreemption } from './default-preemption.js';
import { newImageLocality } from './image-locality.js';
import { newInterPodAffinity } from './inter-pod-affinity.js';
import { newNodeAffinity } from './node-affinity.js';
import { newNodeName } from './node-name.js';
import { newNodePorts } from './node-ports.js';
import { newNodeResourcesBalancedAllocation } from './node-resources-balanced-allocation.js';
import { newNodeResourcesFit } from './node-resources-fit.js';
import { newNodeUnschedulable } from './node-unschedulable.js';
import { newPodTopologySpread } from './pod-topology-spread.js';
import { newPrioritySort } from './priority-sort.js';
import { newSchedulingGates } from './scheduling-gates.js';
import { newTaintToleration } from './taint-toleration.js';

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
  [PluginNames.SchedulingGates, newSchedulingGates],
  [PluginNames.PrioritySort, newPrioritySort],
  [PluginNames.NodeUnschedulable, newNodeUnschedulable],
  [PluginNames.NodeName, newNodeName],
  [PluginNames.TaintToleration, newTaintToleration],
  [PluginNames.NodeAffinity, newNodeAffinity],
  [PluginNames.NodePorts, newNodePorts],
  [PluginNames.NodeResourcesFit, newNodeResourcesFit],
  [PluginNames.NodeResourcesBalancedAllocation, newNodeResourcesBalancedAllocation],
  [PluginNames.ImageLocality, newImageLocality],
  [PluginNames.PodTopologySpread, newPodTopologySpread],
  [PluginNames.InterPodAffinity, newInterPodAffinity],
  [PluginNames.DefaultPreemption, newDefaultPreemption],
  [PluginNames.DefaultBinder, newDefaultBinder],
];

export function inTreePluginFactories(): PluginFactories {
  return new PluginFactories(IN_TREE);
}
