// The /scale subresource: an autoscaling/v1 Scale view of a workload's replicas, and the way a
// Scale written back changes spec.replicas (kubectl scale patches it).
import type { KubeObject, StoredObject } from '../../../lib/api/object.js';
import { isPlainObject } from '../../../lib/api/object.js';
import { errors } from '../../../lib/api/status.js';
import { fieldErrors } from '../../../lib/api/field-errors.js';
import { parseSimplePath, readPath, writePath } from '../../../lib/api/crd/json-path.js';
import type { ResourceInfo, ScalePaths } from '../../../lib/api/resources.js';

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

/** A custom resource's replicas and selector, where its definition's scale subresource says they are. */
function customScale(obj: StoredObject, paths: ScalePaths): { replicas: number; statusReplicas: number; selector: string } {
  const read = (path: string | undefined): unknown => {
    const steps = path === undefined ? undefined : parseSimplePath(path);
    return steps ? readPath(obj, steps) : undefined;
  };
  const replicas = read(paths.specReplicasPath);
  const statusReplicas = read(paths.statusReplicasPath);
  const selector = read(paths.labelSelectorPath);
  return {
    replicas: typeof replicas === 'number' ? replicas : 0,
    statusReplicas: typeof statusReplicas === 'number' ? statusReplicas : 0,
    selector: typeof selector === 'string' ? selector : '',
  };
}

export function toScale(obj: StoredObject, info?: Pick<ResourceInfo, 'scalePaths'>): KubeObject {
  const spec = isPlainObject(obj.spec) ? obj.spec : {};
  const status = isPlainObject(obj.status) ? obj.status : {};
  const meta = obj.metadata;
  const custom = info?.scalePaths ? customScale(obj, info.scalePaths) : undefined;
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
    spec: { replicas: custom ? custom.replicas : typeof spec.replicas === 'number' ? spec.replicas : 0 },
    status: custom
      ? { replicas: custom.statusReplicas, selector: custom.selector }
      : { replicas: typeof status.replicas === 'number' ? status.replicas : 0, selector: selectorString(spec.selector) },
  };
}

/** Applies a written Scale to its workload; a stale resourceVersion in it is a conflict. */
export function applyScale(target: StoredObject, scale: KubeObject, resource: Pick<ResourceInfo, 'group' | 'resource' | 'scalePaths'>): KubeObject {
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
  const steps = resource.scalePaths ? parseSimplePath(resource.scalePaths.specReplicasPath) : undefined;
  if (steps) writePath(next as Record<string, unknown>, steps, replicas);
  else next.spec = { ...(isPlainObject(next.spec) ? next.spec : {}), replicas };
  return next;
}
