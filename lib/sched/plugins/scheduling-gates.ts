// SchedulingGates: a pod with spec.schedulingGates stays out of the active queue.
import type { FrameworkHandle, PreEnqueuePlugin } from '../framework/interfaces.js';
import { Code, Status } from '../framework/status.js';

export const NAME = 'SchedulingGates';

export function newSchedulingGates(_args: unknown, _handle: FrameworkHandle): PreEnqueuePlugin {
  return {
    name: NAME,
    preEnqueue(podInfo) {
      if (podInfo.schedulingGates.length === 0) return null;
      // Go prints the []string gate names as "[a b]".
      return new Status(Code.UnschedulableAndUnresolvable, [`waiting for scheduling gates: [${podInfo.schedulingGates.join(' ')}]`], NAME);
    },
  };
}
