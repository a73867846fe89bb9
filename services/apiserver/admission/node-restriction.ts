// NodeRestriction admission, for what the Node authorizer cannot see in a path: a kubelet
// (system:node:<name> in system:nodes) may create only its own Node, its own Lease in
// kube-node-lease, and pods bound to itself (mirror pods), with Kubernetes' messages.
import { errors } from '../../../lib/api/status.js';
import type { AdmissionPlugin } from './plugin.js';

const NODE_USER = 'system:node:';

export function nodeRestriction(): AdmissionPlugin {
  return {
    name: 'NodeRestriction',
    validate({ info, user, object, operation, name, namespace }) {
      if (operation !== 'CREATE' || !user || !user.name.startsWith(NODE_USER) || !user.groups.includes('system:nodes') || !object) return;
      const node = user.name.slice(NODE_USER.length);
      const ref = { group: info.group, resource: info.resource };
      if (info.group === '' && info.resource === 'nodes' && name !== node) {
        throw errors.forbidden(ref, name, `node ${JSON.stringify(node)} is not allowed to modify node ${JSON.stringify(name)}`);
      }
      if (info.group === 'coordination.k8s.io' && info.resource === 'leases' && (namespace !== 'kube-node-lease' || name !== node)) {
        throw errors.forbidden(ref, name, `can only access node lease with the same name as the requesting node`);
      }
      if (info.group === '' && info.resource === 'pods') {
        const nodeName = (object as { spec?: { nodeName?: string } }).spec?.nodeName;
        if (nodeName !== node) throw errors.forbidden(ref, name, `node ${JSON.stringify(node)} can only create pods with spec.nodeName set to itself`);
      }
    },
  };
}
