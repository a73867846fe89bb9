// ServiceAccount admission (plugin/pkg/admission/serviceaccount): a new pod runs as
// "default" unless it names a ServiceAccount, and unless the pod or its ServiceAccount turns
// automountServiceAccountToken off, it gets the projected volume kube-api-access-<random> (a bound
// token, the cluster CA from the ConfigMap kube-root-ca.crt, and the namespace) mounted read-only
// at /var/run/secrets/kubernetes.io/serviceaccount in every container. Kubernetes refuses a pod
// whose ServiceAccount does not exist yet; here such a pod is admitted without the volume, so pods
// of clusters without the controller that makes ServiceAccounts still run.
import { randomInt } from 'node:crypto';
import type { Container, Pod, Volume } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../../lib/api/object.js';
import { isPlainObject } from '../../../lib/api/object.js';
import { findResource, storageKey } from '../../../lib/api/resources.js';
import type { Store } from '../../../lib/native/store.js';
import type { AdmissionPlugin } from './plugin.js';

const SERVICE_ACCOUNTS = findResource('', 'v1', 'serviceaccounts')!;
export const SERVICE_ACCOUNT_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';
/** Kubernetes' expirationSeconds of the token in kube-api-access volumes (an hour and 7 s, so it is told apart). */
const TOKEN_SECONDS = 3607;
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function suffix(): string {
  let out = '';
  for (let i = 0; i < 5; i++) out += NAME_ALPHABET[randomInt(NAME_ALPHABET.length)];
  return out;
}

export function apiAccessVolume(name: string): Volume {
  return {
    name,
    projected: {
      defaultMode: 0o644,
      sources: [
        { serviceAccountToken: { expirationSeconds: TOKEN_SECONDS, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    },
  };
}

function containersOf(spec: NonNullable<Pod['spec']>): Container[] {
  return [...(spec.initContainers ?? []), ...(spec.containers ?? [])].filter(isPlainObject) as Container[];
}

export function serviceAccountAdmission(store: Store): AdmissionPlugin {
  return {
    name: 'ServiceAccount',
    async admit({ info, operation, subresource, object, namespace }) {
      if (operation !== 'CREATE' || subresource !== undefined || info.group !== '' || info.resource !== 'pods' || !object || !isPlainObject(object.spec)) return;
      const pod = object as Pod;
      const spec = pod.spec!;
      if (pod.metadata?.annotations?.[MIRROR_ANNOTATION] !== undefined) return;
      if (!spec.serviceAccountName) spec.serviceAccountName = spec.serviceAccount || 'default';
      if (spec.automountServiceAccountToken === false) return;
      await store.linearizableRead();
      const account = store.get<KubeObject>(storageKey(SERVICE_ACCOUNTS, namespace ?? '', spec.serviceAccountName))?.value;
      if (!account || (account.automountServiceAccountToken === false && spec.automountServiceAccountToken !== true)) return;
      const containers = containersOf(spec);
      if (containers.some((c) => (c.volumeMounts ?? []).some((m) => m.mountPath === SERVICE_ACCOUNT_MOUNT_PATH))) return;
      const taken = new Set((spec.volumes ?? []).map((v) => v.name));
      let name = `kube-api-access-${suffix()}`;
      while (taken.has(name)) name = `kube-api-access-${suffix()}`;
      spec.volumes = [...(spec.volumes ?? []), apiAccessVolume(name)];
      for (const container of containers) container.volumeMounts = [...(container.volumeMounts ?? []), { name, readOnly: true, mountPath: SERVICE_ACCOUNT_MOUNT_PATH }];
    },
  };
}
