// DefaultStorageClass admission (plugin/pkg/admission/storage/storageclass/setdefault): a new
// claim that names no storage class (neither spec.storageClassName nor the beta annotation) gets
// the default class, the newest when several are marked default.
import { isPlainObject, type KubeObject } from '../../../lib/api/object.js';
import { findResource, storagePrefix } from '../../../lib/api/resources.js';
import type { Store } from '../../../lib/native/store.js';
import { isDefaultStorageClass } from '../../../lib/api/tables/storageclass.js';
import type { AdmissionPlugin } from './plugin.js';

const CLAIMS = findResource('', 'v1', 'persistentvolumeclaims')!;
const STORAGE_CLASSES = findResource('storage.k8s.io', 'v1', 'storageclasses')!;
const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

/** The newest of the classes marked default, ties broken by name (storageutil.GetDefaultClass). */
export function newestDefault(classes: readonly KubeObject[], isDefault: (obj: KubeObject) => boolean): KubeObject | undefined {
  return classes
    .filter(isDefault)
    .sort((a, b) => {
      const at = a.metadata?.creationTimestamp ?? '';
      const bt = b.metadata?.creationTimestamp ?? '';
      if (at !== bt) return at > bt ? -1 : 1;
      return (a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1;
    })[0];
}

export function defaultStorageClass(store: Store): AdmissionPlugin {
  return {
    name: 'DefaultStorageClass',
    async admit({ info, operation, subresource, object }) {
      if (info !== CLAIMS || operation !== 'CREATE' || subresource !== undefined || !object || !isPlainObject(object.spec)) return;
      const spec = object.spec;
      if ((spec.storageClassName !== undefined && spec.storageClassName !== null) || object.metadata?.annotations?.[BETA_STORAGE_CLASS_ANNOTATION] !== undefined) return;
      await store.linearizableRead();
      const classes = store.range<KubeObject>(storagePrefix(STORAGE_CLASSES)).kvs.map((kv) => kv.value);
      const chosen = newestDefault(classes, isDefaultStorageClass);
      if (chosen?.metadata?.name) spec.storageClassName = chosen.metadata.name;
    },
  };
}
