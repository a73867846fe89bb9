// The kubelet's options (flags, RUDDER_* environment, --config-file), named after Kubernetes'
// kubelet flags where one exists (--node-labels, --register-with-taints, --max-pods,
// --kube-reserved, --system-reserved, --eviction-hard, --node-ip, --hostname-override) and after
// KWOK's for the simulated nodes.
import { busOptions } from '../../lib/bus/options.js';
import { criRuntimeOptions } from './runtime/cri/options.js';
import { option } from '../../lib/config/options.js';
import { LOG_LEVELS } from '../../lib/observe/logger.js';

export const RUNTIMES = ['sim', 'cri'] as const;

export const kubeletOptions = {
  kubeconfig: option.string('', 'kubeconfig of the apiserver'),
  master: option.string('', 'apiserver URL; overrides the kubeconfig\'s server, or (without --kubeconfig) is used with the CA in --cert-dir and the admin token of --token-auth-file'),
  tokenAuthFile: option.string('', 'the apiserver\'s static token file: its admin token is used when no --kubeconfig is given'),
  certDir: option.string('', 'directory holding the cluster serving certificate (apiserver.crt/.key) for HTTPS; empty: plain HTTP'),
  address: option.string('127.0.0.1', 'address /livez, /readyz and /metrics listen on'),
  port: option.number(10250, 'port of /livez, /readyz and /metrics (0 picks a free port and logs it)'),
  rootDir: option.string('', 'directory of the kubelet\'s state (the simulated runtime\'s checkpoint); empty keeps it in memory'),
  runtime: option.string('sim', 'what runs pods: sim (simulated containers moving through stages) or cri (containers of the container runtime at --container-runtime-endpoint)', RUNTIMES),
  simNodes: option.number(1, 'with --runtime sim: how many nodes this process hosts'),
  simNodePrefix: option.string('sim-node-', 'with --runtime sim: node names are this prefix and the node\'s index'),
  simNodeCidr: option.string('172.30.0.0/16', 'with --runtime sim: the nodes\' InternalIPs are taken from this range in order'),
  simStages: option.string('', 'with --runtime sim: a YAML file of stages (delays, readiness, completion, failure); default: KWOK\'s (pods become Ready, pods of Jobs complete)'),
  hostnameOverride: option.string('', 'the node\'s name (default: the host name); ignored with more than one simulated node'),
  nodeIp: option.string('', 'the node\'s InternalIP (default: the host\'s first non-loopback IPv4 address)'),
  nodeLabels: option.list([], 'labels to add when registering the node (key=value)'),
  registerWithTaints: option.list([], 'taints to register the node with (key=value:Effect)'),
  nodeCapacity: option.list([], 'the node\'s capacity (cpu=4,memory=8Gi,ephemeral-storage=100Gi); default: the host\'s, or for simulated nodes KWOK\'s (cpu=32, memory=256Gi)'),
  maxPods: option.number(110, 'the node\'s pods capacity'),
  kubeReserved: option.list([], 'resources kept for Kubernetes components (cpu=100m,memory=100Mi)'),
  systemReserved: option.list([], 'resources kept for the operating system (cpu=100m,memory=100Mi)'),
  evictionHard: option.list(['memory.available=100Mi'], 'hard eviction thresholds; memory.available is kept out of allocatable'),
  clusterCidr: option.string('10.244.0.0/16', 'pod CIDR of the cluster: a node without spec.podCIDR gets the first free subnet of it at start'),
  podCidr: option.string('', 'the node\'s pod CIDR, for a node whose network already uses one (a local node\'s CNI network); empty: the one the node object has, else the first free subnet of --cluster-cidr'),
  nodeCidrMaskSize: option.number(24, 'size of each node\'s pod CIDR'),
  nodeLeaseDurationSeconds: option.number(40, 'the node Lease\'s duration; renewed every quarter of it'),
  nodeStatusUpdateFrequency: option.duration('10s', 'how often the node status is computed (and written when it changed)'),
  nodeStatusReportFrequency: option.duration('5m', 'how often the node status is written when nothing changed'),
  plegRelistPeriod: option.duration('1s', 'how often the runtime is relisted (PLEG)'),
  podWorkers: option.number(256, 'pods synced at once (a sync mostly waits on the apiserver, as each pod has its own worker in Kubernetes\' kubelet)'),
  apiConcurrency: option.number(256, 'most API writes in flight at once (pod status and node status first, then Lease renewals, which have seconds to spare)'),
  kubeApiQps: option.number(0, 'requests per second to the apiserver (0: unlimited)'),
  kubeApiBurst: option.number(1000, 'requests allowed at once above kube-api-qps'),
  logLevel: option.string('info', 'log level', LOG_LEVELS),
  ...busOptions,
  ...criRuntimeOptions,
};
