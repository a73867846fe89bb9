// An object as read from the store: its resourceVersion is the key's modRevision, never stored.
import type { KubeObject, StoredObject } from '../../../lib/api/object.js';
import type { KeyValue } from '../../../lib/native/store.js';

export function toStored(kv: KeyValue<KubeObject>): StoredObject {
  const obj = kv.value as StoredObject;
  obj.metadata.resourceVersion = String(kv.modRevision);
  return obj;
}
