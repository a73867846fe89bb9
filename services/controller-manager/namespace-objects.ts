// A controller that keeps one object in every active namespace (the ServiceAccount "default", the
// ConfigMap "kube-root-ca.crt"): each namespace added or changed, and each such object changed or
// deleted, enqueues the namespace; the sync gets the object in the namespace as it must be.
import type { Namespace } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../lib/api/object.js';
import { findResource, type ResourceInfo } from '../../lib/api/resources.js';
import { StatusError } from '../../lib/api/status.js';
import type { Informer } from '../../lib/client/informer.js';
import { isNamespaceTerminating } from './api-errors.js';
import type { ControllerContext } from './controller-context.js';
import { QueueController, QueueWorkers, controllerQueue } from './queue-workers.js';

const NAMESPACES = findResource('', 'v1', 'namespaces')!;

export interface NamespaceObjectRules<T extends KubeObject> {
  /** The workqueue's name. */
  queue: string;
  resource: ResourceInfo;
  /** The object's name in every namespace. */
  name: string;
  /** The object as it must be in `namespace`. */
  desired(namespace: string): T;
  /** True when the cached object already is as it must be. */
  upToDate(existing: T): boolean;
}

export class NamespaceObjectController<T extends KubeObject> extends QueueController {
  private readonly namespaces: Informer<Namespace & KubeObject>;
  private readonly objects: Informer<T>;
  protected readonly workers: QueueWorkers;

  constructor(
    private readonly config: ControllerContext,
    private readonly rules: NamespaceObjectRules<T>,
  ) {
    super();
    this.namespaces = config.informers.informerFor<Namespace & KubeObject>(NAMESPACES);
    this.objects = config.informers.informerFor<T>(rules.resource);
    this.workers = controllerQueue(config, rules.queue, (ns) => this.sync(ns));
    const enqueue = (namespace: string | undefined): void => {
      if (namespace) this.workers.queue.add(namespace);
    };
    this.namespaces.addEventHandler({ onAdd: (ns) => enqueue(ns.metadata?.name), onUpdate: (_b, ns) => enqueue(ns.metadata?.name) });
    const changed = (obj: T): void => {
      if (obj.metadata?.name === rules.name) enqueue(obj.metadata.namespace);
    };
    this.objects.addEventHandler({ onUpdate: (_b, obj) => changed(obj), onDelete: changed });
  }

  async sync(namespace: string): Promise<void> {
    const ns = this.namespaces.indexer.get(namespace);
    if (!ns || ns.status?.phase === 'Terminating' || ns.metadata?.deletionTimestamp) return;
    const existing = this.objects.indexer.get(`${namespace}/${this.rules.name}`);
    if (existing && this.rules.upToDate(existing)) return;
    const desired = this.rules.desired(namespace);
    try {
      if (!existing) await this.config.client.create(this.rules.resource, desired);
      else await this.config.client.update(this.rules.resource, { ...structuredClone(existing), ...desired, metadata: { ...structuredClone(existing.metadata), ...desired.metadata } });
    } catch (error) {
      if (isNamespaceTerminating(error) || (error instanceof StatusError && (error.status.code === 409 || error.status.code === 404))) return;
      throw error;
    }
  }
}
