// The proxy's options (flags, RUDDER_* environment, --config-file), named after kube-proxy's.
import { busOptions } from '../../lib/bus/options.js';
import { option } from '../../lib/config/options.js';
import { LOG_LEVELS } from '../../lib/observe/logger.js';

export const proxyOptions = {
  kubeconfig: option.string('', 'kubeconfig of the apiserver'),
  master: option.string('', "apiserver URL; overrides the kubeconfig's server"),
  hostnameOverride: option.string('', 'the name of this node (default: the host name)'),
  clusterCidr: option.string('', "the pods' CIDR: service traffic from outside it is masqueraded (empty: no local-traffic detection)"),
  iptablesMasqueradeBit: option.number(14, 'the packet mark bit that asks for SNAT (0-31)'),
  iptablesLocalhostNodeports: option.boolean(true, 'NodePorts answer on 127.0.0.1 (sets route_localnet)'),
  iptablesSyncPeriod: option.duration('30s', 'a full sync at least this often'),
  iptablesMinSyncPeriod: option.duration('1s', 'syncs at most this often (changes in between are batched)'),
  nodeportAddresses: option.list([], 'addresses NodePorts answer on (default: every local address)'),
  dryRun: option.boolean(false, 'write the rules to --rules-file instead of applying them'),
  rulesFile: option.string('', 'with --dry-run: where each sync writes its iptables-restore input'),
  iptablesBackend: option.string('auto', 'iptables backend: auto (the one holding rules, else legacy where present), legacy or nft', ['auto', 'legacy', 'nft']),
  healthzBindAddress: option.string('0.0.0.0:10256', 'address:port of /healthz and /livez (port 0 picks a free one and logs it)'),
  metricsBindAddress: option.string('127.0.0.1:10249', 'address:port of /metrics (port 0 picks a free one and logs it)'),
  cleanup: option.boolean(false, "remove the proxy's chains and jump rules, then exit"),
  logLevel: option.string('info', 'log level', LOG_LEVELS),
  ...busOptions,
};
