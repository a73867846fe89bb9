// The kubelet's options for real nodes (--runtime cri), named after Kubernetes' kubelet flags, and
// the runtime they make for the one node the process hosts. Spread into the kubelet's options.
import { join } from 'node:path';
import { parseQuantity, quantityValue } from '../../../../lib/api/validation/quantity.js';
import { option, type OptionValues } from '../../../../lib/config/options.js';
import { CriClient } from '../../../../lib/cri/client.js';
import { readResolvConf } from '../../../../lib/host/resolv-conf.js';
import type { Logger } from '../../../../lib/observe/logger.js';
import type { Clock } from '../../../../lib/client/clock.js';
import type { RestClient } from '../../../../lib/client/rest-client.js';
import { ApiPodObjects } from '../../volumes/pod-objects.js';
import { TokenManager } from '../../volumes/token-manager.js';
import { VolumeManager } from '../../volumes/volume-manager.js';
import { CriRuntime } from './cri-runtime.js';
import { ContainerLogRotator } from './log-rotation.js';

export const criRuntimeOptions = {
  containerRuntimeEndpoint: option.string('unix:///run/containerd/containerd.sock', 'with --runtime cri: the node\'s container runtime (a unix socket speaking CRI v1)'),
  podLogsDir: option.string('/var/log/pods', 'with --runtime cri: where container logs go (<namespace>_<name>_<uid>/<container>/<restart>.log)'),
  cgroupRoot: option.string('/kubepods', 'with --runtime cri: the cgroup pods get theirs under (<qos class>/pod<uid>)'),
  clusterDns: option.list([], 'with --runtime cri: DNS server addresses for ClusterFirst pods (empty: pods resolve as the node does)'),
  clusterDomain: option.string('cluster.local', 'the cluster\'s DNS domain, searched by ClusterFirst pods'),
  resolvConf: option.string('/etc/resolv.conf', 'with --runtime cri: the node\'s resolver, given to Default pods (its search list also to ClusterFirst ones); "" for none'),
  containerLogMaxSize: option.string('10Mi', 'with --runtime cri: a running container\'s log is rotated past this size'),
  containerLogMaxFiles: option.number(5, 'with --runtime cri: log files kept per container, the live one included (at least 2)'),
  containerLogMonitorInterval: option.duration('10s', 'with --runtime cri: how often log sizes are checked'),
  syncFrequency: option.duration('10s', 'with --runtime cri: how often ConfigMap, Secret, downward-API and projected volumes are brought up to date'),
};

export type CriRuntimeOptionValues = OptionValues<typeof criRuntimeOptions>;

export interface CriNode {
  name: string;
  internalIP: string;
  /** The node's pod CIDR when its CNI network is configured with one (a local node's). */
  podCIDR?: string;
}

/** The log rotator of the runtime behind `client`; the kubelet calls rotateAll() every containerLogMonitorInterval. */
export function criLogRotatorFromOptions(options: CriRuntimeOptionValues, client: CriClient, log: Logger): ContainerLogRotator {
  return new ContainerLogRotator({
    client,
    maxSizeBytes: Number(quantityValue(parseQuantity(options.containerLogMaxSize))),
    maxFiles: options.containerLogMaxFiles,
    warn: (message, fields) => log.warn(fields ?? {}, message),
  });
}

/**
 * The runtime of `node` from the options; `rootDir` is the kubelet's state directory (default
 * /var/lib/kubelet); `client` reads what the pods' volumes and environments name, with the
 * kubelet's credentials.
 */
export function criRuntimeFromOptions(options: CriRuntimeOptionValues, node: CriNode, rootDir: string, log: Logger, client: RestClient, clock: Clock): CriRuntime {
  const endpoint = options.containerRuntimeEndpoint;
  if (!endpoint.startsWith('unix://') && !endpoint.startsWith('/')) throw new Error(`--container-runtime-endpoint must be a unix socket (unix:///path), got ${endpoint}`);
  const podsDir = join(rootDir || '/var/lib/kubelet', 'pods');
  const warn = (message: string, fields?: Record<string, unknown>): void => log.warn({ node: node.name, ...fields }, message);
  const objects = new ApiPodObjects(client);
  const volumes = new VolumeManager({ podsDir, objects, tokens: new TokenManager(objects, clock), clock, refreshPeriodMs: options.syncFrequency, warn });
  return new CriRuntime({
    client: new CriClient(endpoint.replace(/^unix:\/\//, '')),
    nodeName: node.name,
    nodeIP: node.internalIP,
    podLogDir: options.podLogsDir,
    podsDir,
    volumes,
    objects,
    cgroupRoot: options.cgroupRoot,
    clusterDNS: options.clusterDns,
    clusterDomain: options.clusterDomain,
    hostDNS: readResolvConf(options.resolvConf),
    ...(node.podCIDR ? { podCIDR: node.podCIDR } : {}),
    warn,
  });
}
