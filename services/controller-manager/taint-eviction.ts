// The taint-eviction controller (k8s.io/kubernetes/pkg/controller/tainteviction): a pod on a node
// with a NoExecute taint it does not tolerate is deleted at once; one that tolerates it for
// tolerationSeconds is deleted that long after the taint was added (the shortest such toleration
// wins); tolerating without tolerationSeconds keeps it. Deleted pods first get the
// DisruptionTarget condition with reason DeletionByTaintManager, as Kubernetes gives them.
import type { Pod, Taint, Toleration } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../lib/api/object.js';
import { StatusError } from '../../lib/api/status.js';
import type { Informer } from '../../lib/client/informer.js';
import { objectKey } from '../../lib/client/paths.js';
import type { ControllerContext } from './controller-context.js';
import { timeText } from './deployment/conditions.js';
import { NODES } from './node-lifecycle.js';
import { PODS, type PodObject } from './pod-control.js';
import { isPodTerminal } from './pod-conditions.js';
import { QueueController, QueueWorkers, controllerQueue } from './queue-workers.js';

type NodeObject = KubeObject & { spec?: { taints?: Taint[] } };
export const NODE_NAME_INDEX = 'spec.nodeName';

function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.operator === 'Exists') return !toleration.key || toleration.key === taint.key;
  return toleration.key === taint.key && (toleration.value ?? '') === (taint.value ?? '');
}

/** When the pod must go (ms since the epoch), Infinity when never, from its node's NoExecute taints. */
export function evictionTime(pod: Pod, taints: readonly Taint[], nowMs: number): number {
  let at = Infinity;
  for (const taint of taints.filter((t) => t.effect === 'NoExecute')) {
    const matching = (pod.spec?.tolerations ?? []).filter((t) => tolerates(t, taint));
    if (matching.length === 0) return nowMs;
    if (matching.some((t) => t.tolerationSeconds === undefined || t.tolerationSeconds === null)) continue;
    const seconds = Math.max(0, Math.min(...matching.map((t) => t.tolerationSeconds ?? 0)));
    const added = taint.timeAdded ? Date.parse(taint.timeAdded) : nowMs;
    at = Math.min(at, (Number.isFinite(added) ? added : nowMs) + seconds * 1000);
  }
  return at;
}

export class TaintEvictionController extends QueueController {
  private readonly nodes: Informer<NodeObject>;
  private readonly pods: Informer<PodObject>;
  protected readonly workers: QueueWorkers;

  constructor(private readonly config: ControllerContext) {
    super();
    this.nodes = config.informers.informerFor<NodeObject>(NODES);
    this.pods = config.informers.informerFor<PodObject>(PODS);
    this.pods.indexer.addIndexers({ [NODE_NAME_INDEX]: (pod) => (pod.spec?.nodeName ? [pod.spec.nodeName] : []) });
    this.workers = controllerQueue(config, 'taint_eviction', (key) => this.sync(key));
    const nodeChanged = (node: NodeObject): void => {
      for (const pod of this.pods.indexer.byIndex(NODE_NAME_INDEX, node.metadata?.name ?? '')) this.workers.queue.add(objectKey(pod));
    };
    this.nodes.addEventHandler({ onAdd: nodeChanged, onUpdate: (_b, node) => nodeChanged(node) });
    this.pods.addEventHandler({ onAdd: (pod) => this.workers.queue.add(objectKey(pod)), onUpdate: (_b, pod) => this.workers.queue.add(objectKey(pod)) });
  }

  async sync(key: string): Promise<void> {
    const pod = this.pods.indexer.get(key);
    if (!pod?.spec?.nodeName || pod.metadata?.deletionTimestamp || isPodTerminal(pod)) return;
    const taints = this.nodes.indexer.get(pod.spec.nodeName)?.spec?.taints ?? [];
    const now = this.config.clock.now();
    const at = evictionTime(pod, taints, now);
    if (at === Infinity) return;
    if (at > now) {
      this.workers.queue.addAfter(key, at - now + 1);
      return;
    }
    const { namespace, name } = pod.metadata ?? {};
    try {
      const conditions = [...(pod.status?.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget'), { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint', lastTransitionTime: timeText(now) }];
      await this.config.client.patch(PODS, { namespace, name: name ?? '', subresource: 'status' }, { status: { conditions } }, 'merge');
      this.config.events.record({ apiVersion: 'v1', kind: 'Pod', metadata: pod.metadata }, 'taint-eviction-controller', 'Normal', 'TaintManagerEviction', 'Evicting', `Marking for deletion Pod ${key}`);
      await this.config.client.delete(PODS, { namespace, name: name ?? '' }, { preconditions: { uid: pod.metadata?.uid } });
      this.config.log.info({ pod: key, node: pod.spec.nodeName, reason: 'TaintManagerEviction' }, 'evicting pod from a NoExecute-tainted node');
    } catch (error) {
      if (error instanceof StatusError && (error.status.code === 404 || error.status.code === 409)) return;
      throw error;
    }
  }
}
