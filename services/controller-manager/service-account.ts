// The ServiceAccount controller (k8s.io/kubernetes/pkg/controller/serviceaccount): every active
// namespace has the ServiceAccount "default"; one deleted is made again.
import type { ServiceAccount } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../lib/api/object.js';
import { findResource } from '../../lib/api/resources.js';
import type { ControllerContext } from './controller-context.js';
import { NamespaceObjectController } from './namespace-objects.js';

export const SERVICE_ACCOUNTS = findResource('', 'v1', 'serviceaccounts')!;
export const DEFAULT_SERVICE_ACCOUNT = 'default';

type ServiceAccountObject = ServiceAccount & KubeObject;

export function serviceAccountController(config: ControllerContext): NamespaceObjectController<ServiceAccountObject> {
  return new NamespaceObjectController<ServiceAccountObject>(config, {
    queue: 'serviceaccount',
    resource: SERVICE_ACCOUNTS,
    name: DEFAULT_SERVICE_ACCOUNT,
    desired: (namespace) => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: DEFAULT_SERVICE_ACCOUNT, namespace } }),
    upToDate: () => true,
  });
}
