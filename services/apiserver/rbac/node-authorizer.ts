// --authorization-mode=Node, as Kubernetes' node authorizer: a kubelet (user system:node:<name> in
// group system:nodes) may do what the system:node role holds, except that Secrets, ConfigMaps,
// PersistentVolumeClaims and ServiceAccount tokens are only for the pods bound to its node (the
// objects their volumes, env and imagePullSecrets name), and it may change only its own Node and
// its own Lease. For anyone else, and for what it may not do, it has no opinion (RBAC decides).
// What each node's pods use is derived from the store once per change to pods, on first need.
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Store } from '../../../lib/native/store.js';
import { onPrefixChange } from '../prefix-changes.js';
import type { Authorizer, Decision, RequestAttributes } from './attributes.js';
import { BOOTSTRAP_CLUSTER_ROLES } from './bootstrap-policy.js';
import { ruleAllowsResource } from './rules.js';

const PODS_PREFIX = '/registry/core/pods/';
const NODE_USER = 'system:node:';
const NODES_GROUP = 'system:nodes';
const NODE_RULES = BOOTSTRAP_CLUSTER_ROLES.find((r) => r.metadata?.name === 'system:node')?.rules ?? [];
const ALLOWED: Decision = { allowed: true, reason: '' };
const NO_OPINION: Decision = { allowed: false, reason: '' };
const MODIFYING = new Set(['update', 'patch', 'delete']);

/** namespace/kind/name of everything a pod uses. */
function podReferences(pod: Pod): string[] {
  const namespace = pod.metadata?.namespace ?? '';
  const refs: string[] = [];
  const add = (kind: string, name: string | undefined): void => {
    if (name) refs.push(`${namespace}/${kind}/${name}`);
  };
  const spec = pod.spec;
  add('serviceaccounts', spec?.serviceAccountName ?? 'default');
  for (const secret of spec?.imagePullSecrets ?? []) add('secrets', secret.name);
  for (const volume of spec?.volumes ?? []) {
    add('secrets', volume.secret?.secretName);
    add('configmaps', volume.configMap?.name);
    add('persistentvolumeclaims', volume.persistentVolumeClaim?.claimName);
    for (const source of volume.projected?.sources ?? []) {
      add('secrets', source.secret?.name);
      add('configmaps', source.configMap?.name);
    }
  }
  for (const container of [...(spec?.initContainers ?? []), ...(spec?.containers ?? []), ...(spec?.ephemeralContainers ?? [])]) {
    for (const from of container.envFrom ?? []) {
      add('secrets', from.secretRef?.name);
      add('configmaps', from.configMapRef?.name);
    }
    for (const env of container.env ?? []) {
      add('secrets', env.valueFrom?.secretKeyRef?.name);
      add('configmaps', env.valueFrom?.configMapKeyRef?.name);
    }
  }
  return refs;
}

export class NodeAuthorizer implements Authorizer {
  private byNode: Map<string, Set<string>> | undefined;
  private readonly unsubscribe: () => void;

  constructor(private readonly store: Store) {
    this.unsubscribe = onPrefixChange(store, PODS_PREFIX, () => (this.byNode = undefined));
  }

  close(): void {
    this.unsubscribe();
  }

  private usedBy(node: string): Set<string> {
    if (!this.byNode) {
      const byNode = new Map<string, Set<string>>();
      for (const { value: pod } of this.store.range<Pod>(PODS_PREFIX).kvs) {
        const nodeName = pod.spec?.nodeName;
        if (!nodeName) continue;
        const used = byNode.get(nodeName) ?? new Set<string>();
        for (const ref of podReferences(pod)) used.add(ref);
        byNode.set(nodeName, used);
      }
      this.byNode = byNode;
    }
    return this.byNode.get(node) ?? new Set();
  }

  authorize(attributes: RequestAttributes): Decision {
    const { user } = attributes;
    if (!user.name.startsWith(NODE_USER) || !user.groups.includes(NODES_GROUP) || !('resource' in attributes)) return NO_OPINION;
    const node = user.name.slice(NODE_USER.length);
    const r = attributes.resource;
    if (r.group === '' && (r.resource === 'secrets' || r.resource === 'configmaps' || r.resource === 'persistentvolumeclaims')) {
      if (r.verb !== 'get' || r.name === '' || r.subresource !== '') return NO_OPINION;
      return this.usedBy(node).has(`${r.namespace}/${r.resource}/${r.name}`) ? ALLOWED : NO_OPINION;
    }
    if (r.group === '' && r.resource === 'serviceaccounts' && r.subresource === 'token') {
      return r.verb === 'create' && this.usedBy(node).has(`${r.namespace}/serviceaccounts/${r.name}`) ? ALLOWED : NO_OPINION;
    }
    // A kubelet changes only its own Node, its own Lease and the pods bound to it (NodeRestriction).
    if (r.group === '' && r.resource === 'pods' && MODIFYING.has(r.verb)) {
      const pod = this.store.get<Pod>(`${PODS_PREFIX}${r.namespace}/${r.name}`)?.value;
      if (pod?.spec?.nodeName !== node) return NO_OPINION;
    }
    if (r.group === '' && r.resource === 'nodes' && MODIFYING.has(r.verb) && r.name !== node) return NO_OPINION;
    if (r.group === 'coordination.k8s.io' && r.resource === 'leases' && (MODIFYING.has(r.verb) || r.verb === 'get') && (r.namespace !== 'kube-node-lease' || r.name !== node)) return NO_OPINION;
    return NODE_RULES.some((rule) => ruleAllowsResource(rule, r)) ? ALLOWED : NO_OPINION;
  }
}
