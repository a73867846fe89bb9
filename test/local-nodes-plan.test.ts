// Local nodes on paper: names short enough for Linux interfaces, disjoint pod CIDRs, addresses on
// the node network, the containerd and CNI configuration each node gets, and the creation record
// a cleanup follows (readable after a crash cut its last line short).
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { cniConfList, containerdConfig } from '../lib/local-nodes/containerd-config.js';
import { formatIpv4, nthAddress, nthSubnet, parseIpv4, parsePrefix } from '../lib/local-nodes/ipv4.js';
import { planLocalNodes } from '../lib/local-nodes/plan.js';
import { MadeRecord } from '../lib/local-nodes/record.js';

t.test('IPv4 prefixes', async (t) => {
  t.equal(formatIpv4(parseIpv4('10.244.3.7')), '10.244.3.7');
  t.same(parsePrefix('10.244.3.7/16'), { base: parseIpv4('10.244.0.0'), length: 16 }, 'host bits are cleared');
  t.equal(nthAddress(parsePrefix('10.213.0.0/24'), 1), '10.213.0.1');
  t.same(nthSubnet(parsePrefix('10.244.0.0/16'), 24, 3), parsePrefix('10.244.3.0/24'));
  t.throws(() => nthSubnet(parsePrefix('10.244.0.0/16'), 24, 256), /no \/24 subnet number 256/);
  t.throws(() => parseIpv4('10.0.0.256'), /not an IPv4 address/);
  t.throws(() => parsePrefix('10.0.0.0/33'), /not an IPv4 CIDR/);
});

t.test('a plan for two nodes', async (t) => {
  const plan = planLocalNodes({ dataDir: '/data', names: ['node-a', 'node-b'], id: 'abc123' });
  t.equal(plan.bridge, 'rdabc123-br');
  t.equal(plan.hostAddress, '10.213.0.1', 'the host is the first address of the node network');
  t.same(
    plan.nodes.map((n) => [n.name, n.netns, n.hostVeth, n.address, n.podCIDR, n.cgroupParent]),
    [
      ['node-a', 'rudder-abc123-node-a', 'rdabc123-0', '10.213.0.2', '10.244.0.0/24', '/rudder-abc123/node-a'],
      ['node-b', 'rudder-abc123-node-b', 'rdabc123-1', '10.213.0.3', '10.244.1.0/24', '/rudder-abc123/node-b'],
    ],
  );
  for (const node of plan.nodes) {
    t.ok(node.hostVeth.length <= 15 && plan.bridge.length <= 15, 'interface names fit IFNAMSIZ');
    t.ok(node.containerdSocket.length < 108, 'the socket path fits sun_path');
    t.equal(node.dir, join('/data', 'nodes', node.name));
  }
  t.throws(() => planLocalNodes({ dataDir: '/d', names: ['a', 'a'] }), /must differ/);
  t.throws(() => planLocalNodes({ dataDir: '/d', names: ['Node_A'] }), /DNS label/);
  t.throws(() => planLocalNodes({ dataDir: '/d', names: ['a'], id: 'toolong1' }), /1 to 6/);
  t.throws(() => planLocalNodes({ dataDir: '/d', names: ['a', 'b', 'c', 'd', 'e', 'f'], nodeSubnet: '10.0.0.0/29' }), /too small/);
  t.not(planLocalNodes({ dataDir: '/d', names: ['a'] }).id, planLocalNodes({ dataDir: '/d', names: ['a'] }).id, 'random ids by default');
});

t.test('containerd and CNI configuration of a node', async (t) => {
  const node = planLocalNodes({ dataDir: '/data', names: ['node-a'], id: 'abc123', podSubnet: '10.50.0.0/16' }).nodes[0]!;
  const config = containerdConfig(node, 'rudder.local/pause:stable');
  t.match(config, /^root = "\/data\/nodes\/node-a\/containerd"$/m);
  t.match(config, /^state = "\/run\/rudder\/abc123\/0"$/m);
  t.match(config, /address = "\/run\/rudder\/abc123\/0\/containerd\.sock"/);
  t.match(config, /restrict_oom_score_adj = true/, 'negative oom_score_adj writes are refused on this kind of host');
  t.match(config, /netns_mounts_under_state_dir = true/, 'pod namespaces stay under the node\'s state');
  t.match(config, /sandbox_image = "rudder\.local\/pause:stable"/);
  t.match(config, /Root = "\/run\/rudder\/abc123\/0\/runc"/, 'runc keeps its state apart from the host\'s');
  t.match(config, /conf_dir = "\/data\/nodes\/node-a\/cni\/net\.d"/);
  const cni = JSON.parse(cniConfList(node));
  t.equal(cni.name, 'rudder-abc123-node-a');
  t.same(cni.plugins.map((p: { type: string }) => p.type), ['bridge', 'portmap']);
  t.equal(cni.plugins[0].hairpinMode, true);
  t.same(cni.plugins[0].ipam.ranges, [[{ subnet: '10.50.0.0/24' }]]);
  t.equal(cni.plugins[0].ipam.dataDir, '/run/rudder/abc123/0/cni-ipam', 'address leases stay in the node\'s state');
});

t.test('the creation record', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rudder-record-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const record = new MadeRecord(join(dir, 'nodes', 'made.jsonl'));
  t.same(record.read(), []);
  record.add({ kind: 'bridge', name: 'rdabc-br' });
  record.add({ kind: 'netns', name: 'rudder-abc-a' });
  appendFileSync(record.file, '{"kind":"veth","na');
  t.same(record.read(), [{ kind: 'bridge', name: 'rdabc-br' }, { kind: 'netns', name: 'rudder-abc-a' }], 'a line a crash cut short is skipped');
  record.clear();
  t.same(record.read(), []);
});
