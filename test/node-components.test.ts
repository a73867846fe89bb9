// What `rudder up --nodes` asks the supervisor to run per node, and in which order: every node's
// containerd before the control plane (waited for with the apiserver), every kubelet and proxy
// after it inside the node's namespace, pointed at the apiserver on the node bridge and at the
// node's own containerd, address and pod CIDR.
import t from 'tap';
import { clusterComponents, type ClusterLayout, type NodeLayout } from '../cli/cluster/components.js';

const node = (i: number): NodeLayout => ({
  name: `rudder-node-${i}`,
  netns: `rudder-abc123-rudder-node-${i}`,
  address: `10.213.0.${i + 1}`,
  podCIDR: `10.244.${i - 1}.0/24`,
  dir: `/data/nodes/rudder-node-${i}`,
  containerdSocket: `/run/rudder/abc123/${i - 1}/containerd.sock`,
  containerdConfig: `/data/nodes/rudder-node-${i}/containerd.toml`,
  podLogDir: `/data/nodes/rudder-node-${i}/pods`,
  cgroupParent: `/rudder-abc123/rudder-node-${i}`,
});

const layout: ClusterLayout = {
  dataDir: '/data',
  bindAddress: '0.0.0.0',
  apiserverPort: 6443,
  logLevel: 'info',
  apiservers: 1,
  peerPort: 7443,
  kubeletPort: 10250,
  nodes: [node(1), node(2)],
  podSubnet: '10.244.0.0/16',
  nodeHostAddress: '10.213.0.1',
};

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
}

t.test('each node gets its containerd before the control plane, then its kubelet and proxy in its namespace', async (t) => {
  const specs = clusterComponents(layout);
  t.same(specs.map((s) => [s.name, s.readyBeforeNext]), [
    ['containerd-rudder-node-1', false],
    ['containerd-rudder-node-2', false],
    ['apiserver', true],
    ['scheduler', true],
    ['controller-manager', true],
    ['dns', true],
    ['kubelet-rudder-node-1', false],
    ['proxy-rudder-node-1', false],
    ['kubelet-rudder-node-2', false],
    ['proxy-rudder-node-2', true],
  ]);
  const byName = new Map(specs.map((s) => [s.name, s]));

  const containerd = byName.get('containerd-rudder-node-2')!;
  t.equal(containerd.command, 'nsenter');
  t.same(containerd.args, ['--net=/var/run/netns/rudder-abc123-rudder-node-2', 'containerd', '--config', '/data/nodes/rudder-node-2/containerd.toml', '--address', '/run/rudder/abc123/1/containerd.sock']);
  t.equal(containerd.url, 'cri:///run/rudder/abc123/1/containerd.sock', 'ready once its CRI plugin answers');

  const kubelet = byName.get('kubelet-rudder-node-2')!;
  t.equal(kubelet.command, 'nsenter');
  t.equal(kubelet.args[0], '--net=/var/run/netns/rudder-abc123-rudder-node-2', 'runs in the node\'s namespace');
  t.equal(flag(kubelet.args, '--runtime'), 'cri');
  t.equal(flag(kubelet.args, '--master'), 'https://10.213.0.1:6443', 'reaches the apiserver on the bridge');
  t.equal(flag(kubelet.args, '--container-runtime-endpoint'), 'unix:///run/rudder/abc123/1/containerd.sock');
  t.equal(flag(kubelet.args, '--node-ip'), '10.213.0.3');
  t.equal(flag(kubelet.args, '--pod-cidr'), '10.244.1.0/24', 'the pod CIDR its CNI network uses');
  t.equal(flag(kubelet.args, '--cgroup-root'), '/rudder-abc123/rudder-node-2');
  t.equal(kubelet.url, 'https://10.213.0.3:10250');
  t.equal(flag(kubelet.args, '--cluster-dns'), '10.96.0.10', 'ClusterFirst pods ask the kube-dns Service');
  t.equal(flag(kubelet.args, '--cluster-domain'), 'cluster.local');

  const dns = byName.get('dns')!;
  t.equal(flag(dns.args, '--dns-bind-address'), '10.213.0.1:53', 'DNS answers where the nodes reach the host, on port 53');

  const proxy = byName.get('proxy-rudder-node-2')!;
  t.equal(proxy.args[0], '--net=/var/run/netns/rudder-abc123-rudder-node-2');
  t.equal(flag(proxy.args, '--master'), 'https://10.213.0.1:6443');
  t.equal(flag(proxy.args, '--cluster-cidr'), '10.244.0.0/16');
  t.equal(flag(proxy.args, '--hostname-override'), 'rudder-node-2');

  const controllerManager = byName.get('controller-manager')!;
  t.equal(flag(controllerManager.args, '--cluster-cidr'), '10.244.0.0/16', 'node IPAM over the range the nodes\' CIDRs come from');
});

t.test('without nodes the cluster is the control plane and its DNS', async (t) => {
  const { nodes: _nodes, nodeHostAddress: _host, podSubnet: _subnet, ...plain } = layout;
  t.same(clusterComponents(plain).map((s) => s.name), ['apiserver', 'scheduler', 'controller-manager', 'dns']);
});
