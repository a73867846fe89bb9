// The namespace controller (k8s.io/kubernetes/pkg/controller/namespace): a namespace being
// deleted (phase Terminating, the "kubernetes" finalizer in spec.finalizers) is emptied — every
// namespaced resource deleted as by `DELETE .../namespaces/NS/RESOURCE` — with Kubernetes'
// NamespaceDeletion*/NamespaceContentRemaining/NamespaceFinalizersRemaining conditions reporting
// progress; once nothing is left its finalizer goes through /finalize and the apiserver removes
// the namespace. Content still terminating (pods within their grace period, objects held by
// finalizers) is looked at again every second.
import type { Namespace, NamespaceCondition } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../lib/api/object.js';
import { findResource, STORED_RESOURCES, type ResourceInfo } from '../../lib/api/resources.js';
import { StatusError } from '../../lib/api/status.js';
import type { Informer } from '../../lib/client/informer.js';
import { resourcePath } from '../../lib/client/paths.js';
import { canonicalJson } from './deployment/rollout-math.js';
import { timeText } from './deployment/conditions.js';
import { QueueController, QueueWorkers, controllerQueue } from './queue-workers.js';
import type { ControllerContext } from './controller-context.js';

export const NAMESPACES = findResource('', 'v1', 'namespaces')!;
export const KUBERNETES_FINALIZER = 'kubernetes';
/** How soon a namespace whose content is still going is looked at again. */
const RECHECK_MS = 1000;

type NamespaceObject = Namespace & KubeObject;

export type NamespaceControllerConfig = ControllerContext;

function groupResource(info: ResourceInfo): string {
  return info.group === '' ? info.resource : `${info.resource}.${info.group}`;
}

export class NamespaceController extends QueueController {
  private readonly namespaces: Informer<NamespaceObject>;
  protected readonly workers: QueueWorkers;
  private readonly contentResources = STORED_RESOURCES.filter((r) => r.namespaced);

  constructor(private readonly config: NamespaceControllerConfig) {
    super();
    this.namespaces = config.informers.informerFor<NamespaceObject>(NAMESPACES);
    this.workers = controllerQueue(config, 'namespace', (key) => this.sync(key));
    const changed = (ns: NamespaceObject): void => {
      if (ns.metadata?.deletionTimestamp) this.workers.queue.add(ns.metadata.name ?? '');
    };
    this.namespaces.addEventHandler({ onAdd: changed, onUpdate: (_b, ns) => changed(ns) });
  }

  async sync(name: string): Promise<void> {
    const ns = this.namespaces.indexer.get(name);
    if (!ns?.metadata?.deletionTimestamp || !(ns.spec?.finalizers ?? []).includes(KUBERNETES_FINALIZER)) return;
    const failures: string[] = [];
    const remaining: string[] = [];
    const finalizers = new Map<string, number>();
    for (const resource of this.contentResources) {
      try {
        await this.config.client.request({ method: 'DELETE', path: resourcePath(resource, { namespace: name }), body: { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Background' } });
        const left = await this.config.client.list<KubeObject>(resource, { namespace: name });
        if (left.items.length > 0) remaining.push(`${groupResource(resource)} has ${left.items.length} resource instances`);
        for (const item of left.items) for (const f of item.metadata?.finalizers ?? []) finalizers.set(f, (finalizers.get(f) ?? 0) + 1);
      } catch (error) {
        if (error instanceof StatusError && (error.status.code === 404 || error.status.code === 405)) continue;
        failures.push(`${groupResource(resource)}: ${(error as Error).message}`);
      }
    }
    await this.writeConditions(ns, failures, remaining, finalizers);
    if (failures.length > 0) throw new Error(`failed to delete the content of namespace ${name}: ${failures.join('; ')}`);
    if (remaining.length > 0) {
      this.workers.queue.addAfter(name, RECHECK_MS);
      return;
    }
    const fresh = await this.config.client.get<NamespaceObject>(NAMESPACES, { name });
    const spec = { ...(fresh.spec ?? {}), finalizers: (fresh.spec?.finalizers ?? []).filter((f) => f !== KUBERNETES_FINALIZER) };
    try {
      await this.config.client.request({ method: 'PUT', path: resourcePath(NAMESPACES, { name, subresource: 'finalize' }), body: { ...fresh, spec } });
    } catch (error) {
      if (error instanceof StatusError && error.status.code === 404) return;
      throw error;
    }
    this.config.log.info({ namespace: name }, 'namespace emptied and finalized');
  }

  private async writeConditions(ns: NamespaceObject, failures: string[], remaining: string[], finalizers: Map<string, number>): Promise<void> {
    const now = timeText(this.config.clock.now());
    const wanted: NamespaceCondition[] = [
      { type: 'NamespaceDeletionDiscoveryFailure', status: 'False', reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' },
      { type: 'NamespaceDeletionGroupVersionParsingFailure', status: 'False', reason: 'ParsedGroupVersions', message: 'All legacy kube types successfully parsed' },
      failures.length > 0
        ? { type: 'NamespaceDeletionContentFailure', status: 'True', reason: 'ContentDeletionFailed', message: `Failed to delete all resource types, ${failures.length} remaining: ${failures.join(', ')}` }
        : { type: 'NamespaceDeletionContentFailure', status: 'False', reason: 'ContentDeleted', message: 'All content successfully deleted, may be waiting on finalization' },
      remaining.length > 0
        ? { type: 'NamespaceContentRemaining', status: 'True', reason: 'SomeResourcesRemain', message: `Some resources are remaining: ${remaining.join(', ')}` }
        : { type: 'NamespaceContentRemaining', status: 'False', reason: 'ContentRemoved', message: 'All content successfully removed' },
      finalizers.size > 0
        ? { type: 'NamespaceFinalizersRemaining', status: 'True', reason: 'SomeFinalizersRemain', message: `Some content in the namespace has finalizers remaining: ${[...finalizers].map(([f, n]) => `${f} in ${n} resource instances`).join(', ')}` }
        : { type: 'NamespaceFinalizersRemaining', status: 'False', reason: 'ContentHasNoFinalizers', message: 'All content-preserving finalizers finished' },
    ];
    const current = ns.status?.conditions ?? [];
    const conditions = wanted.map((c) => {
      const before = current.find((b) => b.type === c.type);
      return { ...c, lastTransitionTime: before && before.status === c.status ? before.lastTransitionTime : now };
    });
    const strip = (list: readonly NamespaceCondition[]): string => canonicalJson(list.map(({ lastTransitionTime: _t, ...rest }) => rest));
    if (strip(current) === strip(conditions)) return;
    try {
      await this.config.client.update(NAMESPACES, { ...ns, status: { ...(ns.status ?? {}), conditions } }, 'status');
    } catch (error) {
      if (error instanceof StatusError && (error.status.code === 404 || error.status.code === 409)) return;
      throw error;
    }
  }
}
