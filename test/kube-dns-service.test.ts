// The kube-dns Service and its EndpointSlice as the DNS server makes them: the 10th address of the
// service range (as kubeadm gives CoreDNS), ports dns/dns-tcp, and no endpoint pods could not reach.
import t from 'tap';
import { clusterDnsAddress, kubeDnsService, kubeDnsSlice, unreachableFromPods } from '../lib/cluster-dns/kube-dns-service.js';

t.test('the cluster DNS address is the 10th of the service range', async (t) => {
  t.equal(clusterDnsAddress('10.96.0.0/12'), '10.96.0.10');
  t.equal(clusterDnsAddress('10.0.0.0/16'), '10.0.0.10');
  t.equal(clusterDnsAddress('fd00::/108,10.100.0.0/16'), '10.100.0.10', 'the IPv4 range of a dual-stack one');
  t.throws(() => clusterDnsAddress('fd00::/108'), /no IPv4 CIDR/);
});

t.test('kube-dns has no selector; its slice points at where the server answers', async (t) => {
  const service = kubeDnsService('10.96.0.10');
  t.match(service, { metadata: { namespace: 'kube-system', name: 'kube-dns', labels: { 'k8s-app': 'kube-dns' } }, spec: { clusterIP: '10.96.0.10' } });
  t.equal(service.spec?.selector, undefined, 'no selector: the endpoint slice controller leaves it alone');
  t.same(service.spec?.ports?.map((p) => [p.name, p.protocol, p.port]), [['dns', 'UDP', 53], ['dns-tcp', 'TCP', 53]]);
  const slice = kubeDnsSlice('10.213.0.1', 10053);
  t.equal(slice.metadata?.labels?.['kubernetes.io/service-name'], 'kube-dns');
  t.same(slice.endpoints.map((e) => e.addresses), [['10.213.0.1']]);
  t.same(slice.ports?.map((p) => [p.name, p.protocol, p.port]), [['dns', 'UDP', 10053], ['dns-tcp', 'TCP', 10053]]);
  t.ok(unreachableFromPods('127.0.0.1'));
  t.notOk(unreachableFromPods('10.213.0.1'));
});
