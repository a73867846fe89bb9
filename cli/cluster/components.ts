// The processes a local cluster runs and the flags each gets, in start order. Every component
// `rudder up` starts is listed here, so adding one to the cluster is one entry.
import { componentKubeconfigPath, CONTROLLER_MANAGER_IDENTITY, DNS_IDENTITY, SCHEDULER_IDENTITY, SIM_KUBELET_IDENTITY } from './component-identities.js';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeAgents, nodeRuntimes } from './node-components.js';

/** dist/ of this checkout: the compiled services live beside the compiled CLI. */
const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ComponentSpec {
  name: string;
  /** Compiled entry point (run with node), or the program when `command` is set. */
  entry: string;
  /** An executable to run instead of a node entry point (e.g. redis-server). */
  command?: string;
  args: string[];
  /** Base URL of its health endpoints (redis://host:port for Redis, answered with PING). */
  url: string;
  /** Wait for this component (and any started before it without waiting) to be ready before starting the next one. */
  readyBeforeNext: boolean;
  /** Set for an apiserver replica of a replicated store. */
  replica?: { id: number; peerAddress: string };
}

export interface ClusterLayout {
  dataDir: string;
  bindAddress: string;
  apiserverPort: number;
  logLevel: string;
  /** Apiserver replicas (1: one apiserver with a local store; 3 or 5: a Raft cluster). */
  apiservers: number;
  /** Port the first replica talks Raft on; the others follow consecutively. */
  peerPort: number;
  /** The components' watch bus (default http). */
  bus?: 'http' | 'redis';
  /** Redis of the redis bus; when absent, a local redis-server runs on localRedisPort. */
  redisUrl?: string;
  localRedisPort?: number;
  /** Port of the scheduler's /livez, /readyz, /metrics and /debug/explain (default 10259). */
  schedulerPort?: number;
  /** Simulated nodes hosted by one kubelet process (--runtime sim); 0 or absent: none. */
  simNodes?: number;
  /** Port of that kubelet's /livez, /readyz and /metrics (default 10250). */
  kubeletPort?: number;
  /** Port of the controller-manager's /livez, /readyz and /metrics (default 10257). */
  controllerManagerPort?: number;
  /** Real nodes (network namespaces on a host bridge), each running its containerd, kubelet and proxy. */
  nodes?: NodeLayout[];
  /** The pods' CIDR the real nodes' pod CIDRs are cut from. */
  podSubnet?: string;
  /** The host's address on the real nodes' bridge: where processes in the nodes reach the apiserver. */
  nodeHostAddress?: string;
  /** Port the cluster DNS answers on (default 53), on the nodes' bridge address with real nodes. */
  dnsPort?: number;
  /** Port of its /livez, /readyz and /metrics (default 9153, CoreDNS's). */
  dnsMetricsPort?: number;
}

/** A real node as its components need it (see lib/local-nodes/plan.ts). */
export interface NodeLayout {
  name: string;
  /** Its network namespace (/var/run/netns/<netns>). */
  netns: string;
  /** Its address on the node network (InternalIP), where its kubelet and proxy answer. */
  address: string;
  podCIDR: string;
  dir: string;
  containerdSocket: string;
  containerdConfig: string;
  podLogDir: string;
  cgroupParent: string;
}

export function pkiDir(dataDir: string): string {
  return join(dataDir, 'pki');
}

export function tokenFile(dataDir: string): string {
  return join(dataDir, 'tokens.csv');
}

/** The data directory of the single apiserver (a local store): its store is in `store/` under it. */
export function apiserverDataDir(dataDir: string): string {
  return join(dataDir, 'apiserver');
}

export function kubeconfigPath(dataDir: string): string {
  return join(dataDir, 'kubeconfig');
}

function host(layout: Pick<ClusterLayout, 'bindAddress'>): string {
  return layout.bindAddress === '0.0.0.0' ? '127.0.0.1' : layout.bindAddress;
}

/** The first apiserver's URL: the one the kubeconfig names. */
export function apiserverUrl(layout: ClusterLayout, port = layout.apiserverPort): string {
  return `https://${host(layout)}:${port}`;
}

export const APISERVER_ENTRY = join(DIST, 'services', 'apiserver', 'main.js');
export const SCHEDULER_ENTRY = join(DIST, 'services', 'scheduler', 'main.js');
export const KUBELET_ENTRY = join(DIST, 'services', 'kubelet', 'main.js');
export const DEFAULT_SCHEDULER_PORT = 10259;
export const DEFAULT_KUBELET_PORT = 10250;

/** The cluster CIDR for N nodes: kind's 10.244.0.0/16 (CLUSTER_CIDR) while its 256 /24s suffice, else 100.64.0.0/10 (16,384 of them). */
export function simClusterCidr(nodes: number): string {
  return nodes <= 256 ? CLUSTER_CIDR : '100.64.0.0/10';
}

/** One kubelet hosting every simulated node, started once the scheduler is ready. */
export function simKubelet(layout: ClusterLayout): ComponentSpec {
  const port = layout.kubeletPort ?? DEFAULT_KUBELET_PORT;
  const nodes = layout.simNodes ?? 0;
  return {
    name: SIM_KUBELET_IDENTITY.component,
    entry: KUBELET_ENTRY,
    args: [
      '--kubeconfig', componentKubeconfigPath(layout.dataDir, SIM_KUBELET_IDENTITY.component),
      '--cert-dir', pkiDir(layout.dataDir),
      '--address', layout.bindAddress,
      '--port', String(port),
      '--runtime', 'sim',
      '--sim-nodes', String(nodes),
      '--cluster-cidr', podSubnet(layout),
      '--root-dir', join(layout.dataDir, 'kubelet-sim'),
      '--log-level', layout.logLevel,
      ...busArgs(layout),
    ],
    url: `https://${host(layout)}:${port}`,
    readyBeforeNext: true,
  };
}
export const CONTROLLER_MANAGER_ENTRY = join(DIST, 'services', 'controller-manager', 'main.js');
export const DEFAULT_CONTROLLER_MANAGER_PORT = 10257;

/** A component that reaches the apiserver through the kubeconfig and serves its health port over HTTPS with the cluster certificate. */
function clientComponent(layout: ClusterLayout, name: string, entry: string, port: number, kubeconfig = kubeconfigPath(layout.dataDir)): ComponentSpec {
  return {
    name,
    entry,
    args: [
      '--kubeconfig', kubeconfig,
      '--cert-dir', pkiDir(layout.dataDir),
      '--bind-address', layout.bindAddress,
      '--secure-port', String(port),
      '--log-level', layout.logLevel,
      ...busArgs(layout),
    ],
    url: `https://${host(layout)}:${port}`,
    readyBeforeNext: true,
  };
}

/** The scheduler, started once the apiservers are ready. */
export function scheduler(layout: ClusterLayout): ComponentSpec {
  return clientComponent(layout, 'scheduler', SCHEDULER_ENTRY, layout.schedulerPort ?? DEFAULT_SCHEDULER_PORT, componentKubeconfigPath(layout.dataDir, SCHEDULER_IDENTITY.component));
}

/** Pods' addresses in a local cluster (kind's default); each node gets a /24 of it. */
export const CLUSTER_CIDR = '10.244.0.0/16';

/** --master for a process in a node: the apiserver at the host's bridge address (the kubeconfig may name loopback, with --bind-address 0.0.0.0). */
export function nodeMaster(layout: ClusterLayout): string[] {
  return layout.nodeHostAddress ? ['--master', `https://${layout.nodeHostAddress}:${layout.apiserverPort}`] : [];
}

/** The cluster CIDR every node's pod CIDR comes from: the real nodes' when there are some. */
export function podSubnet(layout: ClusterLayout): string {
  return layout.podSubnet ?? simClusterCidr(layout.simNodes ?? 0);
}

/**
 * The controller-manager, started after the scheduler, as system:kube-controller-manager with each
 * controller acting as its own ServiceAccount; it hands nodes their pod CIDRs (from the range the
 * kubelets use too).
 */
export function controllerManager(layout: ClusterLayout): ComponentSpec {
  const spec = clientComponent(layout, CONTROLLER_MANAGER_IDENTITY.component, CONTROLLER_MANAGER_ENTRY, layout.controllerManagerPort ?? DEFAULT_CONTROLLER_MANAGER_PORT, componentKubeconfigPath(layout.dataDir, CONTROLLER_MANAGER_IDENTITY.component));
  return { ...spec, args: [...spec.args, '--use-service-account-credentials', '--allocate-node-cidrs', '--cluster-cidr', podSubnet(layout)] };
}

export const DNS_ENTRY = join(DIST, 'services', 'dns', 'main.js');
export const DEFAULT_DNS_PORT = 53;
export const DEFAULT_DNS_METRICS_PORT = 9153;
/** The cluster's DNS domain and the kube-dns Service's address: the 10th of the default service range (10.96.0.0/12). */
export const CLUSTER_DOMAIN = 'cluster.local';
export const CLUSTER_DNS_ADDRESS = '10.96.0.10';

/** Where the cluster DNS answers: port 53 (or the layout's) of the nodes' bridge address with real nodes, else of the bind address. */
export function clusterDnsEndpoint(layout: ClusterLayout): { address: string; port: number } {
  return { address: layout.nodeHostAddress ?? host(layout), port: layout.dnsPort ?? DEFAULT_DNS_PORT };
}

/** The cluster DNS, started after the controller-manager, with its own read-only identity; `rudder up` points kube-system/kube-dns at it (kube-dns-addon.ts). */
export function clusterDns(layout: ClusterLayout): ComponentSpec {
  const metricsPort = layout.dnsMetricsPort ?? DEFAULT_DNS_METRICS_PORT;
  const { address, port } = clusterDnsEndpoint(layout);
  return {
    name: DNS_IDENTITY.component,
    entry: DNS_ENTRY,
    args: [
      '--kubeconfig', componentKubeconfigPath(layout.dataDir, DNS_IDENTITY.component),
      '--dns-bind-address', `${address}:${port}`,
      '--metrics-bind-address', `${host(layout)}:${metricsPort}`,
      '--cluster-domain', CLUSTER_DOMAIN,
      '--log-level', layout.logLevel,
      ...busArgs(layout),
    ],
    url: `http://${host(layout)}:${metricsPort}`,
    readyBeforeNext: true,
  };
}

/** One apiserver replica; `peers` (id=host:port) for a new cluster, or none to join a running one. */
export function apiserverReplica(layout: ClusterLayout, id: number, port: number, peerPort: number, peers: string[] | 'join'): ComponentSpec {
  const peerAddress = `${host(layout)}:${peerPort}`;
  return {
    name: `apiserver-${id}`,
    entry: APISERVER_ENTRY,
    args: [
      '--data-dir', join(layout.dataDir, `apiserver-${id}`),
      '--cert-dir', pkiDir(layout.dataDir),
      '--token-auth-file', tokenFile(layout.dataDir),
      '--bind-address', layout.bindAddress,
      '--secure-port', String(port),
      '--replica-id', String(id),
      '--peer-address', peerAddress,
      ...(peers === 'join' ? ['--join'] : ['--peers', peers.join(',')]),
      '--log-level', layout.logLevel,
      ...busArgs(layout),
    ],
    url: apiserverUrl(layout, port),
    readyBeforeNext: true,
    replica: { id, peerAddress },
  };
}

/** The Redis URL the components use, when the bus is redis. */
export function redisUrlOf(layout: ClusterLayout): string | undefined {
  if (layout.bus !== 'redis') return undefined;
  return layout.redisUrl ?? `redis://${host(layout)}:${layout.localRedisPort ?? 6379}`;
}

/** --bus and --redis-url as every component takes them. */
export function busArgs(layout: ClusterLayout): string[] {
  const url = redisUrlOf(layout);
  return url === undefined ? ['--bus', 'http'] : ['--bus', 'redis', '--redis-url', url];
}

/** A local Redis for the redis bus: loopback only, no persistence (the bus is a cache of the store). */
function localRedis(layout: ClusterLayout): ComponentSpec {
  const port = layout.localRedisPort ?? 6379;
  const dir = join(layout.dataDir, 'redis');
  return {
    name: 'redis',
    entry: 'redis-server',
    command: 'redis-server',
    args: ['--bind', host(layout), '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir],
    url: `redis://${host(layout)}:${port}`,
    readyBeforeNext: true,
  };
}

export function clusterComponents(layout: ClusterLayout): ComponentSpec[] {
  const simulated = (layout.simNodes ?? 0) > 0 ? [simKubelet(layout)] : [];
  return [...nodeRuntimes(layout), ...controlPlane(layout), ...simulated, ...nodeAgents(layout)];
}

function controlPlane(layout: ClusterLayout): ComponentSpec[] {
  const { dataDir } = layout;
  const redis = layout.bus === 'redis' && layout.redisUrl === undefined ? [localRedis(layout)] : [];
  if (layout.apiservers > 1) {
    const ids = Array.from({ length: layout.apiservers }, (_, i) => i + 1);
    const peers = ids.map((id) => `${id}=${host(layout)}:${layout.peerPort + id - 1}`);
    // Replicas need a quorum to become ready, so all start before any is waited for.
    return [
      ...redis,
      ...ids.map((id) => ({
        ...apiserverReplica(layout, id, layout.apiserverPort + id - 1, layout.peerPort + id - 1, peers),
        readyBeforeNext: id === layout.apiservers,
      })),
      scheduler(layout),
      controllerManager(layout),
      clusterDns(layout),
    ];
  }
  return [
    ...redis,
    {
      name: 'apiserver',
      entry: APISERVER_ENTRY,
      args: [
        '--data-dir', apiserverDataDir(dataDir),
        '--cert-dir', pkiDir(dataDir),
        '--token-auth-file', tokenFile(dataDir),
        '--bind-address', layout.bindAddress,
        '--secure-port', String(layout.apiserverPort),
        '--log-level', layout.logLevel,
        ...busArgs(layout),
      ],
      url: apiserverUrl(layout),
      readyBeforeNext: true,
    },
    scheduler(layout),
    controllerManager(layout),
    clusterDns(layout),
  ];
}
