// A node's containerd configuration (version 2 TOML) and CNI network: its own root, state, socket
// and runc root, so nodes share nothing; the CRI plugin with the local sandbox image, pod network
// namespaces kept under its state (so a cleanup finds them), `restrict_oom_score_adj` (this kind of
// host refuses negative oom_score_adj writes, and runc then fails every sandbox) and the CNI
// plugins of Debian's containernetworking-plugins: bridge (hairpin, the node's podCIDR through
// host-local, whose leases stay in the node's state), loopback and portmap.
import { join } from 'node:path';
import { nodeCommand } from './network.js';
import type { LocalNodePlan } from './plan.js';

export const CNI_BIN_DIR = '/usr/lib/cni';

export function containerdRoot(node: LocalNodePlan): string {
  return join(node.dir, 'containerd');
}

/** runc's state (one directory per containerd namespace, one per container below it). */
export function runcRoot(node: LocalNodePlan): string {
  return join(node.stateDir, 'runc');
}

export function cniConfDir(node: LocalNodePlan): string {
  return join(node.dir, 'cni', 'net.d');
}

/**
 * The argv of the node's containerd, in the node's network namespace. Its socket is on its command
 * line too, so a cleanup finds it (and its shims) by that even when another process started it.
 */
export function containerdCommand(node: Pick<LocalNodePlan, 'netns' | 'containerdSocket'>, config: string): [string, string[]] {
  return nodeCommand(node, 'containerd', ['--config', config, '--address', node.containerdSocket]);
}

const toml = (value: string): string => JSON.stringify(value);

export function containerdConfig(node: LocalNodePlan, sandboxImage: string): string {
  const root = containerdRoot(node);
  return `version = 2
root = ${toml(root)}
state = ${toml(node.stateDir)}
oom_score = 0
disabled_plugins = [
  "io.containerd.snapshotter.v1.aufs",
  "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.zfs",
  "io.containerd.internal.v1.tracing",
  "io.containerd.tracing.processor.v1.otlp",
]

[grpc]
  address = ${toml(node.containerdSocket)}

[ttrpc]
  address = ""

[debug]
  address = ""

[metrics]
  address = ""

[plugins]
  [plugins."io.containerd.internal.v1.opt"]
    path = ${toml(join(root, 'opt'))}

  # the legacy runtime cannot be disabled (the tasks service needs it); keep it off the host's runc root
  [plugins."io.containerd.runtime.v1.linux"]
    runtime_root = ${toml(join(node.stateDir, 'runc-v1'))}

  [plugins."io.containerd.grpc.v1.cri"]
    sandbox_image = ${toml(sandboxImage)}
    restrict_oom_score_adj = true
    netns_mounts_under_state_dir = true
    stream_server_address = "127.0.0.1"
    stream_server_port = "0"
    disable_tcp_service = true
    enable_selinux = false
    tolerate_missing_hugetlb_controller = true
    disable_hugetlb_controller = true
    max_container_log_line_size = 16384

    [plugins."io.containerd.grpc.v1.cri".cni]
      bin_dir = ${toml(CNI_BIN_DIR)}
      conf_dir = ${toml(cniConfDir(node))}
      max_conf_num = 1

    [plugins."io.containerd.grpc.v1.cri".containerd]
      default_runtime_name = "runc"
      snapshotter = "overlayfs"

      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
        runtime_type = "io.containerd.runc.v2"

        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
          Root = ${toml(runcRoot(node))}
          SystemdCgroup = false
`;
}

/**
 * The conflist containerd's CRI plugin wires every pod of the node with; it adds the loopback
 * plugin (from the same bin_dir) for each pod's `lo` itself.
 */
export function cniConfList(node: LocalNodePlan): string {
  const conf = {
    cniVersion: '1.0.0',
    name: node.cniNetwork,
    plugins: [
      {
        type: 'bridge',
        bridge: 'cni0',
        isGateway: true,
        ipMasq: false,
        hairpinMode: true,
        ipam: {
          type: 'host-local',
          ranges: [[{ subnet: node.podCIDR }]],
          routes: [{ dst: '0.0.0.0/0' }],
          dataDir: join(node.stateDir, 'cni-ipam'),
        },
      },
      { type: 'portmap', capabilities: { portMappings: true } },
    ],
  };
  return `${JSON.stringify(conf, null, 2)}\n`;
}


/** The kubelet flags that put a node's kubelet on its containerd, address, cgroup and directories. */
export function kubeletNodeFlags(node: Pick<LocalNodePlan, 'name' | 'address' | 'containerdSocket' | 'podLogDir' | 'cgroupParent' | 'dir'>): string[] {
  return [
    '--runtime', 'cri',
    '--hostname-override', node.name,
    '--node-ip', node.address,
    '--container-runtime-endpoint', `unix://${node.containerdSocket}`,
    '--pod-logs-dir', node.podLogDir,
    '--cgroup-root', node.cgroupParent,
    '--root-dir', `${node.dir}/kubelet`,
  ];
}
