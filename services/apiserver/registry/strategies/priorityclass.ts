// scheduling.k8s.io/v1 PriorityClasses: created at generation 1, which updates never change (the
// value may not change, and the rest is not a spec a controller acts on). That at most one class is
// the global default is the Priority admission plugin's rule.
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

export const priorityclassStrategy = defineStrategy(served('scheduling.k8s.io', 'v1', 'priorityclasses'), {
  prepareForCreate(obj) {
    obj.metadata = { ...obj.metadata, generation: 1 };
  },
});
