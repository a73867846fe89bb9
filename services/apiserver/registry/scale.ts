// The /scale subresource: an autoscaling/v1 Scale view of a workload's replicas, and the way a
// Scale written back changes spec.replicas (kubectl scale patches it).
import type { KubeObject, StoredObject } from '../../../lib/api/object.js';
import { isPlainObject } from '../../../lib/api/object.js';
import { errors } from '../../../lib/api/status.js';
import { fieldErrors } from '../../../lib/api/field-errors.js';

/** metav1.LabelSelector → "app=web,tier in (a,b)" as a Scale's status.selector shows it. */
export function selectorString(selector: unknown): string {
  if (!isPlainObject(selector)) return '';
  const terms: string[] = [];
  const labels = isPlainObject(selector.matchLabels) ? selector.matchLabels : {};
  for (const key of Object.keys(labels).sort()) terms.push(`${key}=${String(labels[key])}`);
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions.filter(isPlainObject) : [];
  for (const e of expressions) {
    const values = Array.isArray(e.values) ? [...e.values].map(String).sort().join(',') : '';
    switch (e.operator) {
      case 'In':
        terms.push(`${String(e.key)} in (${values})`);
        break;
      case 'NotIn':
        terms.push(`${String(e.key)} notin (${values})`);
        break;
      case 'Exists':
        terms.push(String(e.key));
        break;
      case 'DoesNotExist':
        terms.push(`!${String(e.key)}`);
        break;
      default:
        break;
    }
  }
  return terms.join(',');
}

export function toScale(obj: StoredObject): KubeObject {
  const spec = isPlainObject(obj.spec) ? obj.spec : {};
  const status = isPlainObject(obj.status) ? obj.status : {};
  const meta = obj.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: meta.name,
      namespace: meta.namespace,
      uid: meta.uid,
      resourceVersion: meta.resourceVersion,
      creationTimestamp: meta.creationTimestamp,
    },
    spec: { replicas: typeof spec.replicas === 'number' ? spec.replicas : 0 },
    status: { replicas: typeof status.replicas === 'number' ? status.replicas : 0, selector: selectorString(spec.selector) },
  };
}

/** Applies a written Scale to its workload; a stale resourceVersion in it is a conflict. */
export function applyScale(target: StoredObject, scale: KubeObject, resource: { group: string; resource: string }): KubeObject {
  if (scale.kind !== undefined && scale.kind !== 'Scale') throw errors.badRequest(`the kind in the data (${String(scale.kind)}) does not match the expected kind (Scale)`);
  const spec = isPlainObject(scale.spec) ? scale.spec : {};
  const replicas = spec.replicas;
  const name = target.metadata.name;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw errors.invalid('Scale', 'autoscaling', name, [
      typeof replicas === 'number'
        ? fieldErrors.invalid('spec.replicas', replicas, 'must be greater than or equal to 0')
        : fieldErrors.required('spec.replicas'),
    ]);
  }
  const requested = scale.metadata?.resourceVersion;
  if (requested !== undefined && requested !== '' && requested !== target.metadata.resourceVersion) {
    throw errors.staleObject(resource, name);
  }
  const next = structuredClone(target) as KubeObject;
  next.spec = { ...(isPlainObject(next.spec) ? next.spec : {}), replicas };
  return next;
}
