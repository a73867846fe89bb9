// A node container as a local node: its pods' cgroups go below the container's own cgroup (so the
// engine removes them with it), on cgroup v1 and v2, and it enters no network namespace.
import t from 'tap';
import { containerNodePlan, ownCgroup } from '../services/node/node-plan.js';
import { nodeCommand } from '../lib/local-nodes/network.js';

const id = '210a6d4c2ede7d45a056eabf2ed9432ae9221096829682a7db114bea797d579a';

t.test('the container\'s cgroup, from /proc/self/cgroup', async (t) => {
  t.equal(ownCgroup(`9:name=systemd:/docker/${id}\n4:memory:/docker/${id}\n1:cpu:/docker/${id}\n`), `/docker/${id}`, 'cgroup v1: the memory controller\'s');
  t.equal(ownCgroup(`0::/system.slice/docker-${id}.scope\n`), `/system.slice/docker-${id}.scope`, 'cgroup v2');
  t.equal(ownCgroup('0::/\n'), '', 'a private cgroup namespace: its root');
});

t.test('the node plan of a container', async (t) => {
  const plan = containerNodePlan({ name: 'rudder-node-1', address: '172.17.0.7', rootDir: '/var/lib/rudder-node', runDir: '/run/rudder-node', cgroup: `/docker/${id}` });
  t.match(plan, { netns: '', containerdSocket: '/run/rudder-node/containerd.sock', cgroupParent: `/docker/${id}/rudder-pods`, podLogDir: '/var/lib/rudder-node/pods' });
  t.same(nodeCommand(plan, 'containerd', ['--config', 'c.toml']), ['containerd', ['--config', 'c.toml']], 'run as it is, not through nsenter');
  t.same(nodeCommand({ netns: 'rudder-x-n1' }, 'containerd', []), ['nsenter', ['--net=/var/run/netns/rudder-x-n1', 'containerd']]);
});
