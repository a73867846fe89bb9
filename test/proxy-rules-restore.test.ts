// iptables-restore --test accepts the ruleset of a 10,000-service cluster (10 endpoints each),
// and a small one restores into a scratch namespace (legacy and nft backends).
import t from 'tap';
import { NetNs, netnsUnavailable } from '../lib/launch/netns.js';
import { syntheticCluster } from '../lib/launch/proxy-cluster.js';
import { nativeProxyRules } from '../lib/native/proxy.js';

const skip = netnsUnavailable(['iptables-legacy-restore', 'iptables-nft-restore']);
const native = nativeProxyRules();

t.test('a 10,000-service ruleset passes iptables-restore --test', { skip, timeout: 300_000 }, async (t) => {
  const ruleset = native.compile(syntheticCluster(10_000, 10), { full: true });
  t.ok(ruleset.largeCluster, 'past the large-cluster threshold');
  const ns = NetNs.create('rudder-restore');
  t.teardown(() => ns.remove());
  t.doesNotThrow(() => ns.run('iptables-legacy-restore', ['--test', '--noflush'], ruleset.text));
  t.match(ns.run('iptables-legacy-save', ['-t', 'nat']), /^(?!.*KUBE-SVC-)/s, '--test changed nothing');
});

t.test('a small ruleset restores with both backends', { skip }, async (t) => {
  const ruleset = native.compile(syntheticCluster(20, 3), { full: true });
  for (const backend of ['iptables-legacy', 'iptables-nft']) {
    const ns = NetNs.create('rudder-restore');
    t.teardown(() => ns.remove());
    ns.run(`${backend}-restore`, ['--noflush'], ruleset.text);
    const saved = ns.run(`${backend}-save`, ['-t', 'nat']);
    t.equal(saved.split('\n').filter((l) => l.startsWith(':KUBE-SVC-')).length, 20, `${backend}: one KUBE-SVC chain per service`);
  }
});
