// Cluster events that can make an unschedulable pod fit, and which plugins care about which
// (kube-scheduler's ClusterEvent and EventsToRegister). A pod rejected by some plugins is moved
// back to scheduling only by an event one of those plugins registered for.
import type { Node } from 'kubernetes-types/core/v1.js';

export type EventResource = 'Node' | 'Pod';
export type EventAction = 'Add' | 'Delete' | 'UpdateNodeAllocatable' | 'UpdateNodeLabel' | 'UpdateNodeTaint' | 'UpdateNodeCondition' | 'Update';

export interface ClusterEvent {
  resource: EventResource;
  action: EventAction;
  /** Stable name for logs and metrics, e.g. "NodeAdd", "AssignedPodDelete". */
  label: string;
}

export const NODE_ADD: ClusterEvent = { resource: 'Node', action: 'Add', label: 'NodeAdd' };
export const NODE_DELETE: ClusterEvent = { resource: 'Node', action: 'Delete', label: 'NodeDelete' };
export const ASSIGNED_POD_ADD: ClusterEvent = { resource: 'Pod', action: 'Add', label: 'AssignedPodAdd' };
export const ASSIGNED_POD_UPDATE: ClusterEvent = { resource: 'Pod', action: 'Update', label: 'AssignedPodUpdate' };
export const ASSIGNED_POD_DELETE: ClusterEvent = { resource: 'Pod', action: 'Delete', label: 'AssignedPodDelete' };
/** Moves everything that waited too long (podMaxInUnschedulablePodsDuration), whatever rejected it. */
export const UNSCHEDULABLE_TIMEOUT: ClusterEvent = { resource: 'Pod', action: 'Update', label: 'UnschedulableTimeout' };
export const FORCE_ACTIVATE: ClusterEvent = { resource: 'Pod', action: 'Update', label: 'ForceActivate' };

const NODE_UPDATES: Record<string, ClusterEvent> = {
  UpdateNodeAllocatable: { resource: 'Node', action: 'UpdateNodeAllocatable', label: 'NodeAllocatableChange' },
  UpdateNodeLabel: { resource: 'Node', action: 'UpdateNodeLabel', label: 'NodeLabelChange' },
  UpdateNodeTaint: { resource: 'Node', action: 'UpdateNodeTaint', label: 'NodeTaintChange' },
  UpdateNodeCondition: { resource: 'Node', action: 'UpdateNodeCondition', label: 'NodeConditionChange' },
};

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The scheduling-relevant changes between two versions of a node (none: nothing to move pods for). */
export function nodeUpdateEvents(before: Node, after: Node): ClusterEvent[] {
  const events: ClusterEvent[] = [];
  if (!same(before.status?.allocatable, after.status?.allocatable)) events.push(NODE_UPDATES.UpdateNodeAllocatable!);
  if (!same(before.metadata?.labels, after.metadata?.labels)) events.push(NODE_UPDATES.UpdateNodeLabel!);
  // kube-scheduler reports a spec.unschedulable change as a taint change (the NodeUnschedulable
  // plugin and the node.kubernetes.io/unschedulable taint are two views of one thing).
  if (!same(before.spec?.taints, after.spec?.taints) || Boolean(before.spec?.unschedulable) !== Boolean(after.spec?.unschedulable)) {
    events.push(NODE_UPDATES.UpdateNodeTaint!);
  }
  const ready = (n: Node): unknown => n.status?.conditions?.map((c) => [c.type, c.status]);
  if (!same(ready(before), ready(after))) events.push(NODE_UPDATES.UpdateNodeCondition!);
  return events;
}

export interface EventRegistration {
  resource: EventResource;
  /** '*' for every action on the resource. */
  actions: readonly (EventAction | '*')[];
}

const NODE_ALL: EventRegistration = { resource: 'Node', actions: ['*'] };
const POD_ALL: EventRegistration = { resource: 'Pod', actions: ['*'] };

/** The events each in-tree plugin registers for (kube-scheduler's EventsToRegister). */
export const DEFAULT_PLUGIN_EVENTS: Readonly<Record<string, readonly EventRegistration[]>> = {
  NodeResourcesFit: [
    { resource: 'Pod', actions: ['Delete'] },
    { resource: 'Node', actions: ['Add', 'UpdateNodeAllocatable'] },
  ],
  NodeAffinity: [{ resource: 'Node', actions: ['Add', 'UpdateNodeLabel'] }],
  TaintToleration: [{ resource: 'Node', actions: ['Add', 'UpdateNodeTaint'] }],
  NodeUnschedulable: [{ resource: 'Node', actions: ['Add', 'UpdateNodeTaint'] }],
  NodeName: [{ resource: 'Node', actions: ['Add', 'UpdateNodeLabel', 'UpdateNodeTaint', 'UpdateNodeAllocatable'] }],
  NodePorts: [
    { resource: 'Pod', actions: ['Delete'] },
    { resource: 'Node', actions: ['Add'] },
  ],
  PodTopologySpread: [POD_ALL, { resource: 'Node', actions: ['Add', 'Delete', 'UpdateNodeLabel', 'UpdateNodeTaint'] }],
  InterPodAffinity: [POD_ALL, { resource: 'Node', actions: ['Add', 'UpdateNodeLabel'] }],
  DefaultPreemption: [POD_ALL, NODE_ALL],
};

function registered(registrations: readonly EventRegistration[], event: ClusterEvent): boolean {
  return registrations.some((r) => r.resource === event.resource && (r.actions.includes('*') || r.actions.includes(event.action)));
}

/**
 * Whether `event` may make a pod rejected by `plugins` schedulable. A pod no plugin explains
 * (an error, an unknown plugin) moves on every event, as in kube-scheduler.
 */
export function eventMayHelp(event: ClusterEvent, plugins: ReadonlySet<string>, pluginEvents: Readonly<Record<string, readonly EventRegistration[]>>): boolean {
  if (event === UNSCHEDULABLE_TIMEOUT || event === FORCE_ACTIVATE || plugins.size === 0) return true;
  for (const plugin of plugins) {
    const registrations = pluginEvents[plugin];
    if (registrations === undefined || registered(registrations, event)) return true;
  }
  return false;
}
