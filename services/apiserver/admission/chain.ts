// The admission plugins of the apiserver, run in order: every mutating plugin, then (after the
// object is validated) every validating one, as kube-apiserver orders them. A plugin with nothing
// to do answers synchronously, and the chain awaits only the plugins that return a promise.
import { NO_EXTRAS, type WriteExtras } from '../registry/write-hooks.js';
import type { AdmissionAttributes, AdmissionPlugin } from './plugin.js';

export class AdmissionChain {
  constructor(readonly plugins: readonly AdmissionPlugin[]) {}

  async admit(attributes: AdmissionAttributes): Promise<void> {
    for (const plugin of this.plugins) {
      if (!plugin.admit) continue;
      const pending = plugin.admit(attributes);
      if (pending) await pending;
    }
  }

  /** The writes the validating plugins ask to commit with the object. */
  async validate(attributes: AdmissionAttributes): Promise<WriteExtras> {
    let extras = NO_EXTRAS;
    for (const plugin of this.plugins) {
      if (!plugin.validate) continue;
      const result = plugin.validate(attributes);
      const asked = result instanceof Promise ? await result : result;
      if (asked) extras = { compare: [...extras.compare, ...asked.compare], ops: [...extras.ops, ...asked.ops] };
    }
    return extras;
  }
}
