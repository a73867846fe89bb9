// NamespaceLifecycle: objects are created only in namespaces that exist and are not terminating.
// The namespaces' phases come from memory (namespaces.ts), so a create never reads the store just
// to find its namespace.
import { errors } from '../../../lib/api/status.js';
import type { Store } from '../../../lib/native/store.js';
import type { NamespacePhases } from './namespaces.js';
import type { AdmissionPlugin } from './plugin.js';

export function namespaceLifecycle(store: Store, namespaces: NamespacePhases): AdmissionPlugin {
  return {
    name: 'NamespaceLifecycle',
    async validate({ operation, info, namespace, name }) {
      if (operation !== 'CREATE' || !info.namespaced || namespace === undefined) return;
      let phase = namespaces.phase(namespace);
      // A replica may not have applied a namespace another replica just created.
      if (phase === 'absent' && store.replicated) {
        await store.linearizableRead();
        phase = namespaces.phase(namespace);
      }
      if (phase === 'absent') throw errors.notFound({ group: '', resource: 'namespaces' }, namespace);
      if (phase === 'terminating') {
        throw errors.forbidden({ group: info.group, resource: info.resource }, name, `unable to create new content in namespace ${namespace} because it is being terminated`);
      }
    },
  };
}
