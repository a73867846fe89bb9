// The root CA publisher (k8s.io/kubernetes/pkg/controller/certificates/rootcacertpublisher): every
// active namespace has the ConfigMap "kube-root-ca.crt" holding the cluster CA (--root-ca-file) as
// "ca.crt", so pods can verify the apiserver; one edited or deleted is put back.
import type { ConfigMap } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../lib/api/object.js';
import { findResource } from '../../lib/api/resources.js';
import type { ControllerContext } from './controller-context.js';
import { NamespaceObjectController } from './namespace-objects.js';

export const CONFIG_MAPS = findResource('', 'v1', 'configmaps')!;
export const ROOT_CA_CONFIG_MAP = 'kube-root-ca.crt';
const DESCRIPTION = 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

type ConfigMapObject = ConfigMap & KubeObject;

/** `rootCa`: the PEM bundle to publish. */
export function rootCaPublisher(config: ControllerContext, rootCa: string): NamespaceObjectController<ConfigMapObject> {
  return new NamespaceObjectController<ConfigMapObject>(config, {
    queue: 'root_ca_cert_publisher',
    resource: CONFIG_MAPS,
    name: ROOT_CA_CONFIG_MAP,
    desired: (namespace) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: ROOT_CA_CONFIG_MAP, namespace, annotations: { 'kubernetes.io/description': DESCRIPTION } }, data: { 'ca.crt': rootCa } }),
    upToDate: (existing) => existing.data?.['ca.crt'] === rootCa && Object.keys(existing.data ?? {}).length === 1,
  });
}
