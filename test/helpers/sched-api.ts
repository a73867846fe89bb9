// Nodes and pods for scheduler e2e stories, created through the API (no kubelet): nodes with a given
// capacity, labels and taints; pods with requests; and waits for a pod's binding or events.
import type { Event, Node, Pod } from 'kubernetes-types/core/v1.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { findResource } from '../../lib/api/resources.js';
import type { RestClient } from '../../lib/client/rest-client.js';

export const NODES = findResource('', 'v1', 'nodes')!;
export const PODS = findResource('', 'v1', 'pods')!;
export const EVENTS = findResource('', 'v1', 'events')!;

export function node(name: string, options: { cpu?: string; memory?: string; pods?: string; labels?: Record<string, string>; taints?: Node['spec'] extends infer S ? S extends { taints?: infer T } ? T : never : never } = {}): Node {
  const capacity = { cpu: options.cpu ?? '4', memory: options.memory ?? '8Gi', pods: options.pods ?? '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...options.labels } },
    spec: { taints: options.taints },
    status: { capacity, allocatable: capacity, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

export function pod(name: string, options: { cpu?: string; memory?: string; priority?: number; spec?: Partial<Pod['spec']>; annotations?: Record<string, string>; labels?: Record<string, string> } = {}): Pod {
  const requests: Record<string, string> = {};
  if (options.cpu) requests.cpu = options.cpu;
  if (options.memory) requests.memory = options.memory;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', annotations: options.annotations, labels: options.labels },
    spec: { containers: [{ name: 'c', image: 'busybox', resources: { requests } }], ...(options.priority !== undefined ? { priority: options.priority } : {}), ...options.spec },
  };
}

/** The node the pod gets bound to, or undefined after `timeoutMs`; asked every `intervalMs`. */
export async function boundNode(client: RestClient, name: string, timeoutMs = 15_000, intervalMs = 100): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const current = await client.get<Pod>(PODS, { namespace: 'default', name });
    if (current.spec?.nodeName) return current.spec.nodeName;
    await sleep(intervalMs);
  }
  return undefined;
}

/** Events about the pod with this reason, waiting up to `timeoutMs` for at least one. */
export async function podEvents(client: RestClient, name: string, reason: string, timeoutMs = 15_000): Promise<Event[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const list = await client.list<Event>(EVENTS, { namespace: 'default' });
    const found = list.items.filter((e) => e.involvedObject?.name === name && e.reason === reason);
    if (found.length > 0 || Date.now() >= deadline) return found;
    await sleep(100);
  }
}
