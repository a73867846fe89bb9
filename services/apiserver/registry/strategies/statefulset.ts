// apps/v1 StatefulSets: the spec counts generations, the status is the controller's (through /status),
// and spec.updateStrategy.rollingUpdate.maxUnavailable is dropped as Kubernetes 1.36 drops it while
// its feature (MaxUnavailableStatefulSet, beta and off by default) is off, unless the stored object
// already had it.
import { isPlainObject, type KubeObject, type StoredObject } from '../../../../lib/api/object.js';
import { defineStrategy, keepStatus } from '../strategy.js';
import { served } from './served.js';

function rollingUpdateOf(obj: KubeObject): Record<string, unknown> | undefined {
  const spec = obj.spec;
  if (!isPlainObject(spec) || !isPlainObject(spec.updateStrategy)) return undefined;
  const rollingUpdate = spec.updateStrategy.rollingUpdate;
  return isPlainObject(rollingUpdate) ? rollingUpdate : undefined;
}

function dropMaxUnavailable(next: KubeObject, old?: StoredObject): void {
  const rollingUpdate = rollingUpdateOf(next);
  if (!rollingUpdate) return;
  if (old && rollingUpdateOf(old)?.maxUnavailable !== undefined) return;
  delete rollingUpdate.maxUnavailable;
}

export const statefulsetStrategy = defineStrategy(served('apps', 'v1', 'statefulsets'), {
  tracksGeneration: true,
  prepareForCreate(obj) {
    obj.status = {};
    dropMaxUnavailable(obj);
  },
  prepareForUpdate(next, old) {
    dropMaxUnavailable(next, old);
    return keepStatus(next, old);
  },
});
