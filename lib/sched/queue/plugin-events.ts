// Which cluster events each enabled plugin registers for (its EnqueueExtensions), in the
// scheduling queue's terms. A plugin that registers nothing keeps the in-tree registration
// known for its name; an unknown plugin registers nothing, so a pod it rejects moves on every
// event (as kube-scheduler treats plugins without EventsToRegister).
import type { Framework } from '../framework/framework.js';
import { isEnqueueExtensions, type ClusterEvent as PluginEvent } from '../framework/interfaces.js';
import { DEFAULT_PLUGIN_EVENTS, type EventAction, type EventRegistration, type EventResource } from './cluster-events.js';

const NODE_UPDATES: EventAction[] = ['UpdateNodeAllocatable', 'UpdateNodeLabel', 'UpdateNodeTaint', 'UpdateNodeCondition'];
const QUEUE_ACTIONS = new Set<string>(['Add', 'Delete', 'Update', ...NODE_UPDATES]);

function registration(event: PluginEvent): EventRegistration | undefined {
  if (event.resource !== 'Node' && event.resource !== 'Pod' && event.resource !== '*') return undefined;
  const actions = new Set<EventAction | '*'>();
  for (const action of event.actionType) {
    if (action === 'All') actions.add('*');
    else if (event.resource === 'Node' && action === 'Update') for (const a of NODE_UPDATES) actions.add(a);
    else if (QUEUE_ACTIONS.has(action)) actions.add(action as EventAction);
    // Finer pod updates (UpdatePodLabel, ...) are one "Update" to the queue.
    else if (action.startsWith('Update')) actions.add('Update');
  }
  if (actions.size === 0) return undefined;
  return { resource: event.resource === '*' ? 'Node' : (event.resource as EventResource), actions: [...actions] };
}

export function pluginEvents(frameworks: Iterable<Framework>): Record<string, readonly EventRegistration[]> {
  const out: Record<string, readonly EventRegistration[]> = {};
  for (const framework of frameworks) {
    for (const [name, plugin] of framework.plugins) {
      if (out[name] !== undefined) continue;
      if (isEnqueueExtensions(plugin)) {
        const events = plugin.eventsToRegister();
        const regs = events.flatMap((e) => {
          const r = registration(e);
          if (!r) return [];
          // "*" resource: every resource the queue knows.
          return e.resource === '*' ? [r, { ...r, resource: 'Pod' as const }] : [r];
        });
        out[name] = regs;
      } else if (DEFAULT_PLUGIN_EVENTS[name] !== undefined) {
        out[name] = DEFAULT_PLUGIN_EVENTS[name]!;
      }
    }
  }
  return out;
}
