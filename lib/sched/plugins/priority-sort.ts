// PrioritySort: higher priority first, then earlier queue timestamp.
import type { FrameworkHandle, QueueSortPlugin } from '../framework/interfaces.js';

export const NAME = 'PrioritySort';

export function newPrioritySort(_args: unknown, _handle: FrameworkHandle): QueueSortPlugin {
  return {
    name: NAME,
    less(a, b) {
      const p1 = a.podInfo.priority;
      const p2 = b.podInfo.priority;
      return p1 > p2 || (p1 === p2 && a.timestamp < b.timestamp);
    },
  };
}
