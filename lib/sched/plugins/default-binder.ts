// DefaultBinder: binds through the handle's binder (POST pods/binding in the scheduler service).
import type { BindPlugin, FrameworkHandle } from '../framework/interfaces.js';
import { Status } from '../framework/status.js';

export const NAME = 'DefaultBinder';

export function newDefaultBinder(_args: unknown, handle: FrameworkHandle): BindPlugin {
  return {
    name: NAME,
    async bind(_state, podInfo, nodeName) {
      try {
        await handle.binder(podInfo, nodeName);
        return null;
      } catch (e) {
        return Status.fromError(e, NAME);
      }
    },
  };
}
