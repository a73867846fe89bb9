// A pod's QoS class, which the apiserver records in status.qosClass at creation
// (Guaranteed: every container has cpu and memory limits equal to its requests; BestEffort: no
// requests or limits anywhere; Burstable otherwise).
import { isPlainObject } from '../../../lib/api/object.js';

const COMPUTE = ['cpu', 'memory'];

function containersOf(spec: Record<string, unknown>): Record<string, unknown>[] {
  const all = [...(Array.isArray(spec.containers) ? spec.containers : []), ...(Array.isArray(spec.initContainers) ? spec.initContainers : [])];
  return all.filter(isPlainObject);
}

export function podQosClass(spec: Record<string, unknown>): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers = containersOf(spec);
  let any = false;
  let guaranteed = containers.length > 0;
  for (const container of containers) {
    const resources = isPlainObject(container.resources) ? container.resources : {};
    const requests = isPlainObject(resources.requests) ? resources.requests : {};
    const limits = isPlainObject(resources.limits) ? resources.limits : {};
    for (const name of COMPUTE) {
      if (requests[name] !== undefined || limits[name] !== undefined) any = true;
      const limit = limits[name];
      const request = requests[name] ?? limit;
      if (limit === undefined || String(request) !== String(limit)) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
