// Pods: the spec counts generations, the status belongs to the kubelet (through /status) and the
// scheduler (through /binding), and a pod on a node is deleted gracefully: it stays, marked, for
// its grace period while the kubelet stops it; one that never ran or already finished goes at once.
import { isPlainObject } from '../../../../lib/api/object.js';
import { defineStrategy } from '../strategy.js';
import { served } from './served.js';

const DEFAULT_GRACE_SECONDS = 30;

export const podStrategy = defineStrategy(served('', 'v1', 'pods'), {
  tracksGeneration: true,
  deletion: {
    gracePeriodSeconds(pod, requested) {
      const spec = isPlainObject(pod.spec) ? pod.spec : {};
      const status = isPlainObject(pod.status) ? pod.status : {};
      if (!spec.nodeName || status.phase === 'Succeeded' || status.phase === 'Failed') return 0;
      const grace = requested ?? (typeof spec.terminationGracePeriodSeconds === 'number' ? spec.terminationGracePeriodSeconds : DEFAULT_GRACE_SECONDS);
      return Math.max(0, grace);
    },
  },
});
