// Each component's own least-privilege identity, as kubeadm gives them: a client certificate from
// the cluster CA in a kubeconfig of its own, for the user Kubernetes' default RBAC policy binds —
// the scheduler as system:kube-scheduler (system:kube-scheduler, system:volume-scheduler), the
// controller-manager as system:kube-controller-manager (which with --use-service-account-credentials
// only reads, elects its leader and asks for each controller's ServiceAccount token), each real
// node's kubelet as system:node:<node> in system:nodes (the Node authorizer and NodeRestriction),
// each node's proxy as system:kube-proxy (system:node-proxier). Two are Rudder's own: the kubelet
// hosting the simulated nodes is no single node, so it is system:rudder:kubelet-sim in the group
// system:rudder:simulated-nodes (that ClusterRole and a Role for Leases in kube-node-lease), and the
// cluster DNS is system:rudder:dns with the rights kubeadm gives CoreDNS (system:coredns).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeKubeconfig } from '../../lib/client/kubeconfig.js';
import { createClientCert } from '../../lib/pki/issue.js';
import type { SigningCa } from '../../lib/pki/x509.js';
import { CLUSTER_DNS_USER, SIMULATED_NODES } from '../../services/apiserver/rbac/bootstrap-policy.js';

export interface ComponentIdentity {
  /** The component's name, as `rudder status` lists it; its kubeconfig is kubeconfigs/<name>.kubeconfig. */
  component: string;
  user: string;
  groups: readonly string[];
}

export function componentKubeconfigPath(dataDir: string, component: string): string {
  return join(dataDir, 'kubeconfigs', `${component}.kubeconfig`);
}

export const SCHEDULER_IDENTITY: ComponentIdentity = { component: 'scheduler', user: 'system:kube-scheduler', groups: [] };
export const CONTROLLER_MANAGER_IDENTITY: ComponentIdentity = { component: 'controller-manager', user: 'system:kube-controller-manager', groups: [] };
export const SIM_KUBELET_IDENTITY: ComponentIdentity = { component: 'kubelet-sim', user: 'system:rudder:kubelet-sim', groups: [SIMULATED_NODES] };
export const DNS_IDENTITY: ComponentIdentity = { component: 'dns', user: CLUSTER_DNS_USER, groups: [] };

export function kubeletIdentity(node: string): ComponentIdentity {
  return { component: `kubelet-${node}`, user: `system:node:${node}`, groups: ['system:nodes'] };
}

export function proxyIdentity(node: string): ComponentIdentity {
  return { component: `proxy-${node}`, user: 'system:kube-proxy', groups: [] };
}

/** Writes each identity's kubeconfig (a new certificate at every start) for the apiserver at `server`. */
export async function writeComponentKubeconfigs(dataDir: string, server: string, caPem: string, ca: SigningCa, identities: readonly ComponentIdentity[]): Promise<void> {
  mkdirSync(join(dataDir, 'kubeconfigs'), { recursive: true, mode: 0o700 });
  await Promise.all(
    identities.map(async (identity) => {
      const { certPem, keyPem } = await createClientCert(ca, identity.user, identity.groups);
      writeKubeconfig(componentKubeconfigPath(dataDir, identity.component), { name: 'rudder', server, caPem, clientCertPem: certPem, clientKeyPem: keyPem, userName: identity.user });
    }),
  );
}
