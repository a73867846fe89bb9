// Rudder's rules against a real kube-proxy 1.36: for each compared cluster, kube-proxy runs in
// a scratch network namespace against a Rudder apiserver holding the cluster's Services and
// EndpointSlices; Rudder's ruleset for the same node is restored into another namespace; both
// tables, printed by the same iptables-save and normalised as kube-proxy's tests do, are equal.
// kube-proxy's tables are kept in test/fixtures/proxy/kube-proxy-saved (RUDDER_RECORD=1
// rewrites them, with the objects the apiserver held), which proxy-rules-saved.test.ts checks
// without kube-proxy. Not part of `npm test` (CI has no kube-proxy binary): `npm run test:peers`.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import t from 'tap';
import { kubeProxyUnavailable, restoredRules, runKubeProxy } from '../helpers/kube-proxy-peer.js';
import { netnsUnavailable } from '../../lib/launch/netns.js';
import { COMPARED_CLUSTERS, rudderRuleset, savedFixture, savedObjects } from '../helpers/proxy-peer-clusters.js';

const skip = netnsUnavailable(['iptables-nft-save', 'iptables-nft-restore', 'nfacct']) ?? kubeProxyUnavailable();

for (const cluster of COMPARED_CLUSTERS) {
  t.test(`${cluster.name}: Rudder's rules equal kube-proxy's`, { skip, timeout: 180_000 }, async (t) => {
    const peer = await runKubeProxy(cluster, 'iptables-nft-save', (objects) => rudderRuleset(cluster, false, objects).serviceChains);
    // kube-proxy counts with nfacct where the kernel has it; the compiler is told the same.
    const nfacct = peer.rules.includes('--nfacct-name');
    const restored = restoredRules(rudderRuleset(cluster, nfacct, peer.objects).text, 'iptables-nft-restore', 'iptables-nft-save', 'iptables-nft');
    t.ok(peer.objects.services.some((s) => s.metadata?.name === 'kubernetes'), "the apiserver's own Service is among the compiled objects");
    t.equal(restored, peer.rules, 'the same tables');
    const fixture = savedFixture(cluster);
    if (process.env.RUDDER_RECORD === '1') {
      mkdirSync(dirname(fixture), { recursive: true });
      writeFileSync(fixture, peer.rules);
      writeFileSync(savedObjects(cluster), `${JSON.stringify(peer.objects, null, 1)}\n`);
    }
    t.equal(peer.rules, readFileSync(fixture, 'utf8'), 'kube-proxy wrote what it wrote when the fixture was recorded');
  });
}
