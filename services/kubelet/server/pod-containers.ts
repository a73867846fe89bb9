// Finds a pod's containers and sandbox on the node's runtime by the labels the kubelet puts on
// them (namespace, pod name, container name), as the kubelet's streaming and log endpoints do.
import { errors, failure } from '../../../lib/api/status.js';
import type { CriClient } from '../../../lib/cri/client.js';
import type { Container, PodSandbox } from '../../../lib/cri/types.js';
import { CONTAINER_NAME_LABEL, POD_NAME_LABEL, POD_NAMESPACE_LABEL } from '../runtime/cri/labels.js';

function newestFirst<T extends { createdAt: number }>(a: T, b: T): number {
  return b.createdAt - a.createdAt;
}

/** The pod's container `name`: its running (else latest) instance, or with `previous` the one before the latest. */
export async function findContainer(client: CriClient, namespace: string, pod: string, name: string, previous = false): Promise<Container> {
  const found = (await client.listContainers({ labelSelector: { [POD_NAMESPACE_LABEL]: namespace, [POD_NAME_LABEL]: pod, [CONTAINER_NAME_LABEL]: name } })).sort(
    (a, b) => b.metadata.attempt - a.metadata.attempt || newestFirst(a, b),
  );
  if (found.length === 0) {
    const sandboxes = await client.listPodSandbox({ labelSelector: { [POD_NAMESPACE_LABEL]: namespace, [POD_NAME_LABEL]: pod } });
    if (sandboxes.length === 0) throw failure(404, 'NotFound', `pod "${pod}" in namespace "${namespace}" not found on this node`);
    throw failure(404, 'NotFound', `container "${name}" in pod "${pod}" not found`);
  }
  // A stream or a log goes to the running instance while a newer one is only being created.
  if (!previous) return found.find((c) => c.state === 'CONTAINER_RUNNING') ?? found[0]!;
  const before = found[1];
  if (!before) throw errors.badRequest(`previous terminated container "${name}" in pod "${pod}" not found`);
  return before;
}

/** The pod's ready sandbox (port forwarding goes into its network namespace). */
export async function findSandbox(client: CriClient, namespace: string, pod: string): Promise<PodSandbox> {
  const sandboxes = (await client.listPodSandbox({ labelSelector: { [POD_NAMESPACE_LABEL]: namespace, [POD_NAME_LABEL]: pod } })).sort(newestFirst);
  const ready = sandboxes.find((s) => s.state === 'SANDBOX_READY');
  if (!ready) throw failure(404, 'NotFound', `pod "${pod}" in namespace "${namespace}" has no running sandbox on this node`);
  return ready;
}
