// kube-system/kube-dns and its EndpointSlice, written by `rudder up` with the admin identity once the
// apiserver answers, as kubeadm's addon phase writes CoreDNS's Service: the cluster DNS itself runs
// with read-only rights (system:coredns) and cannot write them.
import { ensureKubeDnsService } from '../../lib/cluster-dns/kube-dns-service.js';
import { RestClient } from '../../lib/client/rest-client.js';
import { CLUSTER_DNS_ADDRESS, clusterDnsEndpoint, type ClusterLayout } from './components.js';

export async function writeKubeDnsAddon(adminKubeconfig: string, layout: ClusterLayout): Promise<void> {
  const client = RestClient.fromKubeconfig(adminKubeconfig, { userAgent: 'rudder' });
  try {
    const { address, port } = clusterDnsEndpoint(layout);
    await ensureKubeDnsService(client, CLUSTER_DNS_ADDRESS, address, port);
  } finally {
    await client.close();
  }
}
