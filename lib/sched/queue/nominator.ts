// Pods nominated to run on a node after preemption (status.nominatedNodeName), so filters can
// count them as if they were there while the victims terminate (kube-scheduler's nominator).
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { QueueablePod } from './queued-pod.js';

export class Nominator<P extends QueueablePod = QueueablePod> {
  private readonly byNode = new Map<string, Map<string, P>>();
  private readonly nodeOf = new Map<string, string>();

  /** Records the pod's nomination: `nodeName`, or its status.nominatedNodeName when not given. */
  addNominatedPod(podInfo: P, nodeName?: string): void {
    this.delete(podInfo.key);
    const node = nodeName ?? podInfo.pod.status?.nominatedNodeName ?? '';
    if (node === '') return;
    let pods = this.byNode.get(node);
    if (!pods) this.byNode.set(node, (pods = new Map()));
    pods.set(podInfo.key, podInfo);
    this.nodeOf.set(podInfo.key, node);
  }

  /** Replaces the pod's info, keeping a nomination the scheduler made unless the new pod names another node. */
  update(podInfo: P): void {
    const node = podInfo.pod.status?.nominatedNodeName || this.nodeOf.get(podInfo.key);
    if (node !== undefined) this.addNominatedPod(podInfo, node);
  }

  delete(key: string): void {
    const node = this.nodeOf.get(key);
    if (node === undefined) return;
    this.nodeOf.delete(key);
    const pods = this.byNode.get(node);
    pods?.delete(key);
    if (pods?.size === 0) this.byNode.delete(node);
  }

  nominatedNode(key: string): string | undefined {
    return this.nodeOf.get(key);
  }

  deleteNominatedPodIfExists(pod: Pod): void {
    this.delete(pod.metadata?.namespace ? `${pod.metadata.namespace}/${pod.metadata.name}` : (pod.metadata?.name ?? ''));
  }

  hasNominatedPods(): boolean {
    return this.nodeOf.size > 0;
  }

  nominatedPodsForNode(nodeName: string): P[] {
    return [...(this.byNode.get(nodeName)?.values() ?? [])];
  }
}
