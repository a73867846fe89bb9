// The root CA publisher (k8s.io/kubernetes/pkg/controller/certificates/rootcacertpublisher): every
// active namespace has the ConfigMap "kube-root-ca.crt" holding the cluster CA (--root-ca-file) as
// "ca.crt", so pods can verify the apiserver; one edited or deleted is put back.
import type { ConfigMap, Namespace } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../lib/api/object.js';
import { findResource } from '../../lib/api/resources.js';
import { StatusError } from '../../lib/api/status.js';
import type { Informer } from '../../lib/client/informer.js';
import { isNamespaceTerminating } from './api-errors.js';
import type { ControllerContext } from './controller-context.js';
import { QueueWorkers } from './queue-workers.js';

export const CONFIG_MAPS = findResource('', 'v1', 'configmaps')!;
const NAMESPACES = findResource('', 'v1', 'namespaces')!;
export const ROOT_CA_CONFIG_MAP = 'kube-root-ca.crt';
const DESCRIPTION = 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

type NamespaceObject = Namespace & KubeObject;
type ConfigMapObject = ConfigMap & KubeObject;

export interface RootCaPublisherConfig extends ControllerContext {
  /** The PEM bundle to publish. */
  rootCa: string;
}

export class RootCaPublisher {
  private readonly namespaces: Informer<NamespaceObject>;
  private readonly configMaps: Informer<ConfigMapObject>;
  private readonly workers: QueueWorkers;

  constructor(private readonly config: RootCaPublisherConfig) {
    this.namespaces = config.informers.informerFor<NamespaceObject>(NAMESPACES);
    this.configMaps = config.informers.informerFor<ConfigMapObject>(CONFIG_MAPS);
    this.workers = new QueueWorkers({ name: 'root_ca_cert_publisher', workers: config.workers, sync: (ns) => this.sync(ns), clock: config.clock, metrics: config.metrics, log: config.log });
    this.namespaces.addEventHandler({ onAdd: (ns) => this.enqueue(ns.metadata?.name), onUpdate: (_b, ns) => this.enqueue(ns.metadata?.name) });
    const changed = (cm: ConfigMapObject): void => {
      if (cm.metadata?.name === ROOT_CA_CONFIG_MAP) this.enqueue(cm.metadata.namespace);
    };
    this.configMaps.addEventHandler({ onUpdate: (_b, cm) => changed(cm), onDelete: changed });
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
    const existing = this.configMaps.indexer.get(`${namespace}/${ROOT_CA_CONFIG_MAP}`);
    const data = { 'ca.crt': this.config.rootCa };
    try {
      if (!existing) {
        await this.config.client.create(CONFIG_MAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: ROOT_CA_CONFIG_MAP, namespace, annotations: { 'kubernetes.io/description': DESCRIPTION } }, data });
      } else if (existing.data?.['ca.crt'] !== this.config.rootCa || Object.keys(existing.data ?? {}).length !== 1) {
        await this.config.client.update(CONFIG_MAPS, { ...structuredClone(existing), data });
      }
    } catch (error) {
      if (isNamespaceTerminating(error) || (error instanceof StatusError && (error.status.code === 409 || error.status.code === 404))) return;
      throw error;
    }
  }
}
