// NodeUnschedulable: rejects nodes with spec.unschedulable unless the pod tolerates the
// node.kubernetes.io/unschedulable:NoSchedule taint.
import type { Taint } from 'kubernetes-types/core/v1.js';
import type { FilterPlugin, FrameworkHandle, EnqueueExtensions, ClusterEvent } from '../framework/interfaces.js';
import { Code, Status } from '../framework/status.js';
import { taintToleratedBy } from '../taints.js';

export const NAME = 'NodeUnschedulable';
export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';
const UNSCHEDULABLE_TAINT: Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };
const REJECT = new Status(Code.UnschedulableAndUnresolvable, [ERR_REASON_UNSCHEDULABLE], NAME);

export function newNodeUnschedulable(_args: unknown, _handle: FrameworkHandle): FilterPlugin & EnqueueExtensions {
  return {
    name: NAME,
    filter(_state, podInfo, nodeInfo) {
      if (!nodeInfo.unschedulable) return null;
      return taintToleratedBy(UNSCHEDULABLE_TAINT, podInfo.tolerations) ? null : REJECT;
    },
    eventsToRegister: (): ClusterEvent[] => [{ resource: 'Node', actionType: ['Add', 'UpdateNodeTaint'] }],
  };
}
