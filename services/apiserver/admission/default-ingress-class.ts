// DefaultIngressClass admission (plugin/pkg/admission/network/defaultingressclass): a new Ingress
// that names no class (neither spec.ingressClassName nor the kubernetes.io/ingress.class
// annotation) gets the IngressClass marked default, the newest when several are.
import { isPlainObject, type KubeObject } from '../../../lib/api/object.js';
import { findResource, storagePrefix } from '../../../lib/api/resources.js';
import type { Store } from '../../../lib/native/store.js';
import { newestDefault } from './default-storage-class.js';
import type { AdmissionPlugin } from './plugin.js';

const INGRESSES = findResource('networking.k8s.io', 'v1', 'ingresses')!;
const INGRESS_CLASSES = findResource('networking.k8s.io', 'v1', 'ingressclasses')!;
const INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';
export const DEFAULT_INGRESS_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';

export function defaultIngressClass(store: Store): AdmissionPlugin {
  return {
    name: 'DefaultIngressClass',
    async admit({ info, operation, subresource, object }) {
      if (info !== INGRESSES || operation !== 'CREATE' || subresource !== undefined || !object || !isPlainObject(object.spec)) return;
      const spec = object.spec;
      if ((spec.ingressClassName !== undefined && spec.ingressClassName !== null) || object.metadata?.annotations?.[INGRESS_CLASS_ANNOTATION] !== undefined) return;
      await store.linearizableRead();
      const classes = store.range<KubeObject>(storagePrefix(INGRESS_CLASSES)).kvs.map((kv) => kv.value);
      const chosen = newestDefault(classes, (c) => c.metadata?.annotations?.[DEFAULT_INGRESS_CLASS_ANNOTATION] === 'true');
      if (chosen?.metadata?.name) spec.ingressClassName = chosen.metadata.name;
    },
  };
}
