// NodePorts: a pod's host ports must be free on the node (0.0.0.0 conflicts with every ip).
import type { ClusterEvent, EnqueueExtensions, FilterPlugin, FrameworkHandle, PreFilterPlugin } from '../framework/interfaces.js';
import { Code, Status } from '../framework/status.js';

export const NAME = 'NodePorts';
export const ERR_REASON_PORTS = "node(s) didn't have free ports for the requested pod ports";
const REJECT = new Status(Code.Unschedulable, [ERR_REASON_PORTS], NAME);
const SKIP = new Status(Code.Skip, [], NAME);

export function newNodePorts(_args: unknown, _handle: FrameworkHandle): PreFilterPlugin & FilterPlugin & EnqueueExtensions {
  return {
    name: NAME,
    preFilter(_state, podInfo) {
      return podInfo.hostPorts.length === 0 ? SKIP : null;
    },
    filter(_state, podInfo, nodeInfo) {
      const ports = podInfo.hostPorts;
      if (ports.length === 0 || nodeInfo.usedPorts.size === 0) return null;
      for (const p of ports) if (nodeInfo.usedPorts.conflicts(p)) return REJECT;
      return null;
    },
    eventsToRegister: (): ClusterEvent[] => [
      { resource: 'Pod', actionType: ['Delete'] },
      { resource: 'Node', actionType: ['Add', 'Update'] },
    ],
  };
}
