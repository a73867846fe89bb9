// Where the apiserver reaches a pod's kubelet, as kube-apiserver's node connection info does it:
// the node's InternalIP (else ExternalIP, else Hostname) and the port its kubelet reported in
// status.daemonEndpoints.kubeletEndpoint; and which container of a pod a request means.
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { findResource } from '../../../lib/api/resources.js';
import { errors, failure } from '../../../lib/api/status.js';
import type { ApiStorage } from '../registry/api-storage.js';

export interface KubeletLocation {
  host: string;
  port: number;
  nodeName: string;
}

const ADDRESS_ORDER = ['InternalIP', 'ExternalIP', 'Hostname'];

export async function getPod(storage: ApiStorage, namespace: string, name: string): Promise<Pod> {
  return (await storage.for(findResource('', 'v1', 'pods')!).get({ namespace, name }, '')) as Pod;
}

export async function kubeletOf(storage: ApiStorage, nodeName: string): Promise<KubeletLocation> {
  const node = (await storage.for(findResource('', 'v1', 'nodes')!).get({ namespace: undefined, name: nodeName }, '')) as Node;
  const addresses = node.status?.addresses ?? [];
  const address = ADDRESS_ORDER.map((type) => addresses.find((a) => a.type === type)?.address).find((a) => a);
  const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port;
  if (!address || !port) throw failure(503, 'ServiceUnavailable', `node "${nodeName}" has no kubelet address yet`);
  return { host: address, port, nodeName };
}

/** The pod's node's kubelet; a pod not yet on a node has none. */
export async function podKubelet(storage: ApiStorage, pod: Pod): Promise<KubeletLocation> {
  const nodeName = pod.spec?.nodeName;
  if (!nodeName) throw errors.badRequest(`pod ${pod.metadata?.name} does not have a host assigned`);
  return kubeletOf(storage, nodeName);
}

/** The container named by ?container=, else the pod's only (or default-container annotated) one. */
export function podContainer(pod: Pod, asked: string | undefined): string {
  const names = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []), ...(pod.spec?.ephemeralContainers ?? [])].map((c) => c.name);
  if (asked) {
    if (!names.includes(asked)) throw errors.badRequest(`container ${asked} is not valid for pod ${pod.metadata?.name}`);
    return asked;
  }
  const annotated = pod.metadata?.annotations?.['kubectl.kubernetes.io/default-container'];
  if (annotated && names.includes(annotated)) return annotated;
  const containers = (pod.spec?.containers ?? []).map((c) => c.name);
  if (containers.length === 1) return containers[0]!;
  throw errors.badRequest(`a container name must be specified for pod ${pod.metadata?.name}, choose one of: [${containers.join(' ')}]`);
}
