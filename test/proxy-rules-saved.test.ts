// Rudder's rules against the tables a real kube-proxy 1.36 wrote for the compared clusters
// (recorded by e2e/proxy-kube-proxy.test.ts): compiled from the objects the apiserver held,
// restored into a scratch namespace with the jump chains and nfacct counters kube-proxy makes,
// and printed by iptables-save, they equal kube-proxy's after its tests' normalisation.
import { readFileSync } from 'node:fs';
import t from 'tap';
import type { ProxyObjects } from '../lib/proxy/objects.js';
import { restoredRules } from './helpers/kube-proxy-peer.js';
import { netnsUnavailable } from '../lib/launch/netns.js';
import { COMPARED_CLUSTERS, rudderRuleset, savedFixture, savedObjects } from './helpers/proxy-peer-clusters.js';

const skip = netnsUnavailable(['iptables-nft', 'iptables-nft-save', 'iptables-nft-restore', 'nfacct']);

for (const cluster of COMPARED_CLUSTERS) {
  t.test(`${cluster.name}: the tables kube-proxy wrote`, { skip }, async (t) => {
    const expected = readFileSync(savedFixture(cluster), 'utf8');
    const objects = JSON.parse(readFileSync(savedObjects(cluster), 'utf8')) as ProxyObjects;
    const nfacct = expected.includes('--nfacct-name');
    t.equal(restoredRules(rudderRuleset(cluster, nfacct, objects).text, 'iptables-nft-restore', 'iptables-nft-save', 'iptables-nft'), expected);
  });
}
