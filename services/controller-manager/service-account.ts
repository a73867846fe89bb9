// The ServiceAccount controller (k8s.io/kubernetes/pkg/controller/serviceaccount): every active
// namespace has the ServiceAccount "default"; one deleted is made again.
import type { Namespace, ServiceAccount } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../lib/api/object.js';
import { findResource } from '../../lib/api/resources.js';
import { StatusError } from '../../lib/api/status.js';
import type { Informer } from '../../lib/client/informer.js';
import { isNamespaceTerminating } from './api-errors.js';
import type { ControllerContext } from './controller-context.js';
import { QueueWorkers } from './queue-workers.js';

export const SERVICE_ACCOUNTS = findResource('', 'v1', 'serviceaccounts')!;
const NAMESPACES = findResource('', 'v1', 'namespaces')!;
export const DEFAULT_SERVICE_ACCOUNT = 'default';

type NamespaceObject = Namespace & KubeObject;
type ServiceAccountObject = ServiceAccount & KubeObject;

export class ServiceAccountController {
  private readonly namespaces: Informer<NamespaceObject>;
  private readonly accounts: Informer<ServiceAccountObject>;
  private readonly workers: QueueWorkers;

  constructor(private readonly config: ControllerContext) {
    this.namespaces = config.informers.informerFor<NamespaceObject>(NAMESPACES);
    this.accounts = config.informers.informerFor<ServiceAccountObject>(SERVICE_ACCOUNTS);
    this.workers = new QueueWorkers({ name: 'serviceaccount', workers: config.workers, sync: (ns) => this.sync(ns), clock: config.clock, metrics: config.metrics, log: config.log });
    this.namespaces.addEventHandler({ onAdd: (ns) => this.enqueue(ns.metadata?.name), onUpdate: (_b, ns) => this.enqueue(ns.metadata?.name) });
    this.accounts.addEventHandler({
      onDelete: (sa) => {
        if (sa.metadata?.name === DEFAULT_SERVICE_ACCOUNT) this.enqueue(sa.metadata.namespace);
      },
    });
  }

  run(): void {
    this.workers.run();
  }

  stop(): Promise<void> {
    return this.workers.stop();
  }

  private enqueue(namespace: string | undefined): void {
    if (namespace) this.workers.queue.add(namespace);
  }

  async sync(namespace: string): Promise<void> {
    const ns = this.namespaces.indexer.get(namespace);
    if (!ns || ns.status?.phase === 'Terminating' || ns.metadata?.deletionTimestamp) return;
    if (this.accounts.indexer.get(`${namespace}/${DEFAULT_SERVICE_ACCOUNT}`)) return;
    try {
      await this.config.client.create(SERVICE_ACCOUNTS, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: DEFAULT_SERVICE_ACCOUNT, namespace } });
    } catch (error) {
      if (isNamespaceTerminating(error) || (error instanceof StatusError && (error.status.code === 409 || error.status.code === 404))) return;
      throw error;
    }
  }
}
