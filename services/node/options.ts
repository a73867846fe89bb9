// The node agent's options: what a node container (compose's node services, as kind's node image)
// needs to run its containerd, kubelet and proxy against the cluster.
import { option } from '../../lib/config/options.js';
import { LOG_LEVELS } from '../../lib/observe/logger.js';

export const nodeOptions = {
  master: option.string('', 'apiserver URL (used with the CA in --cert-dir and the admin token of --token-auth-file)'),
  certDir: option.string('', 'the cluster\'s certificate directory (its CA signs the kubelet\'s serving certificate)'),
  tokenAuthFile: option.string('', 'the apiserver\'s static token file: its admin token is the node\'s credential'),
  hostnameOverride: option.string('', 'the node\'s name (default: the host name)'),
  nodeIp: option.string('', 'the node\'s InternalIP (default: the first IPv4 address of eth0)'),
  rootDir: option.string('/var/lib/rudder-node', 'the node\'s persistent state (containerd\'s root, the kubelet\'s, pod logs); not on overlayfs'),
  runDir: option.string('/run/rudder-node', 'the node\'s volatile state (containerd\'s state and socket, runc\'s root)'),
  imageDir: option.string('/opt/rudder/images', 'OCI archives imported into the node\'s containerd at start (the local images)'),
  clusterCidr: option.string('10.244.0.0/16', 'the pods\' CIDR; the node\'s pod CIDR is the one its Node object gets from it'),
  clusterDns: option.string('10.96.0.10', 'the cluster DNS address written into pods\' resolv.conf'),
  clusterDomain: option.string('cluster.local', 'the cluster\'s DNS domain'),
  kubeletPort: option.number(10250, 'the kubelet\'s HTTPS port'),
  proxyHealthzPort: option.number(10256, 'the proxy\'s /healthz port'),
  routeSyncPeriod: option.duration('2s', 'how often routes to the other nodes\' pod CIDRs are brought up to date'),
  logLevel: option.string('info', 'log level', LOG_LEVELS),
};
