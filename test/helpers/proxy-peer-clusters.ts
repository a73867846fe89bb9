// The clusters whose rules are compared with a real kube-proxy's: the fixture, the node and the
// settings kube-proxy is started with, and the same settings for Rudder's compiler (kube-proxy
// finds --random-fully support in iptables 1.8 and uses it).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nativeProxyRules } from '../../lib/native/proxy.js';
import type { NodeSettings } from '../../lib/proxy/model.js';
import { readProxyObjects, type ProxyObjects } from '../../lib/proxy/objects.js';
import type { PeerCluster } from './kube-proxy-peer.js';
import { ROOT } from './paths.js';

export const PROXY_FIXTURES = join(ROOT, 'test', 'fixtures', 'proxy');

export interface ComparedCluster extends PeerCluster {
  name: string;
  settings: NodeSettings;
}

function cluster(name: string, nodeName: string, nodeIP: string, clusterCIDR: string, masqueradeBit: number, localhostNodePorts: boolean): ComparedCluster {
  const settings: NodeSettings = {
    nodeName,
    ipFamily: 'IPv4',
    localDetect: { mode: 'ClusterCIDR', cidr: clusterCIDR },
    masqueradeBit,
    nodeIPs: [nodeIP],
    localhostNodePorts,
    randomFully: true,
  };
  return { name, fixture: join(PROXY_FIXTURES, `${name}.yaml`), nodeName, nodeIP, clusterCIDR, masqueradeBit, localhostNodePorts, family: 'IPv4', settings };
}

export const COMPARED_CLUSTERS: ComparedCluster[] = [
  cluster('cluster-web', 'node1', '192.168.0.10', '10.244.0.0/16', 14, true),
  cluster('cluster-policies', 'node1', '192.168.0.10', '10.244.0.0/16', 14, true),
  cluster('cluster-large', 'node1', '192.168.0.11', '10.245.0.0/16', 15, false),
];

/**
 * Rudder's ruleset for a compared cluster (native compiler) and its service chains, from the
 * objects an apiserver held (default: the fixture's).
 */
export function rudderRuleset(c: ComparedCluster, nfacct = false, objects: ProxyObjects = readProxyObjects(readFileSync(c.fixture, 'utf8'))): { text: string; serviceChains: string[] } {
  const ruleset = nativeProxyRules().compile({ ...objects, settings: { ...c.settings, nfacct } }, { full: true });
  return { text: ruleset.text, serviceChains: ruleset.activeNatChains.split('\n').filter((chain) => chain.startsWith('KUBE-SVC-')) };
}

export function savedFixture(c: ComparedCluster): string {
  return join(PROXY_FIXTURES, 'kube-proxy-saved', `${c.name}.rules`);
}

/** The Services and EndpointSlices the apiserver held when the fixture was recorded. */
export function savedObjects(c: ComparedCluster): string {
  return join(PROXY_FIXTURES, 'kube-proxy-saved', `${c.name}.objects.json`);
}
