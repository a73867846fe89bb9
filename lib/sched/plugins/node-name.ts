// NodeName: a pod with spec.nodeName fits only that node.
import type { ClusterEvent, EnqueueExtensions, FilterPlugin, FrameworkHandle } from '../framework/interfaces.js';
import { Code, Status } from '../framework/status.js';

export const NAME = 'NodeName';
export const ERR_REASON_NODE_NAME = "node(s) didn't match the requested node name";
const REJECT = new Status(Code.UnschedulableAndUnresolvable, [ERR_REASON_NODE_NAME], NAME);

export function newNodeName(_args: unknown, _handle: FrameworkHandle): FilterPlugin & EnqueueExtensions {
  return {
    name: NAME,
    filter(_state, podInfo, nodeInfo) {
      return podInfo.nodeName === '' || podInfo.nodeName === nodeInfo.name ? null : REJECT;
    },
    eventsToRegister: (): ClusterEvent[] => [{ resource: 'Node', actionType: ['Add'] }],
  };
}
