// pods/binding: how a scheduler assigns a pod to a node. Only an unassigned pod can be bound; the
// binding sets spec.nodeName and the PodScheduled condition in one write.
import type { KubeObject, StoredObject } from '../../../lib/api/object.js';
import { isPlainObject } from '../../../lib/api/object.js';
import { errors } from '../../../lib/api/status.js';
import { fieldErrors } from '../../../lib/api/field-errors.js';
import { formatTime } from './object-meta.js';

export function checkBinding(binding: unknown, podName: string): { node: string } {
  if (!isPlainObject(binding)) throw errors.badRequest('the request body must be a Binding object');
  if (binding.kind !== undefined && binding.kind !== 'Binding') {
    throw errors.badRequest(`the kind in the data (${String(binding.kind)}) does not match the expected kind (Binding)`);
  }
  const meta = isPlainObject(binding.metadata) ? binding.metadata : {};
  if (meta.name !== undefined && meta.name !== podName) {
    throw errors.badRequest(`the name of the object (${String(meta.name)}) does not match the name on the URL (${podName})`);
  }
  const target = isPlainObject(binding.target) ? binding.target : {};
  if (typeof target.name !== 'string' || target.name === '') {
    throw errors.invalid('Binding', '', podName, [fieldErrors.required('target.name')]);
  }
  if (target.kind !== undefined && target.kind !== '' && target.kind !== 'Node') {
    throw errors.invalid('Binding', '', podName, [fieldErrors.notSupported('target.kind', target.kind, ['Node'])]);
  }
  return { node: target.name };
}

export function bindPod(pod: StoredObject, node: string, now: Date): KubeObject {
  const spec = isPlainObject(pod.spec) ? pod.spec : {};
  if (pod.metadata.deletionTimestamp) {
    throw errors.conflict({ group: '', resource: 'pods' }, pod.metadata.name, 'pod is being deleted, cannot be assigned to a host');
  }
  if (typeof spec.nodeName === 'string' && spec.nodeName !== '') {
    throw errors.conflict({ group: '', resource: 'pods' }, pod.metadata.name, `pod ${pod.metadata.name} is already assigned to node "${spec.nodeName}"`);
  }
  const next = structuredClone(pod) as KubeObject;
  next.spec = { ...spec, nodeName: node };
  const status = isPlainObject(next.status) ? next.status : {};
  const conditions = (Array.isArray(status.conditions) ? status.conditions : []).filter((c) => !(isPlainObject(c) && c.type === 'PodScheduled'));
  conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: formatTime(now) });
  next.status = { ...status, conditions };
  return next;
}
