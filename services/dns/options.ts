// The cluster DNS server's options (flags, RUDDER_* environment, --config-file), named after
// CoreDNS's kubernetes and forward plugins where they have one.
import { busOptions } from '../../lib/bus/options.js';
import { option } from '../../lib/config/options.js';
import { LOG_LEVELS } from '../../lib/observe/logger.js';

export const dnsOptions = {
  kubeconfig: option.string('', 'kubeconfig of the apiserver'),
  master: option.string('', "apiserver URL; overrides the kubeconfig's server, or (without --kubeconfig) is used with the CA in --cert-dir and the admin token of --token-auth-file"),
  certDir: option.string('', 'directory holding the cluster CA (ca.crt), with --master and no --kubeconfig'),
  tokenAuthFile: option.string('', "the apiserver's static token file: its admin token is used when no --kubeconfig is given"),
  dnsBindAddress: option.string('0.0.0.0:53', 'address:port DNS answers on, over UDP and TCP (port 0 picks a free one and logs it)'),
  metricsBindAddress: option.string('127.0.0.1:9153', 'address:port of /livez, /readyz and /metrics (port 0 picks a free one and logs it)'),
  clusterDomain: option.string('cluster.local', 'the zone of Services (<svc>.<ns>.svc.<zone>) and pods (<a-b-c-d>.<ns>.pod.<zone>)'),
  ttl: option.number(5, 'TTL of cluster answers, in seconds (also how long they are cached at most)'),
  upstream: option.list([], 'resolvers (host[:port]) for names outside the cluster; default: the nameservers of --resolv-conf'),
  resolvConf: option.string('/etc/resolv.conf', 'the resolv.conf whose nameservers get names outside the cluster when no --upstream is given'),
  cacheSize: option.number(10000, 'answers kept in the cache'),
  serviceClusterIpRange: option.string('10.96.0.0/12', 'the Service range: the kube-dns Service takes its 10th address'),
  registerService: option.boolean(false, 'make the kube-system/kube-dns Service and an EndpointSlice pointing here (--advertise-address and the DNS port), for a cluster whose installer does not (rudder up does; this needs rights to write Services and EndpointSlices in kube-system)'),
  advertiseAddress: option.string('', 'the address nodes reach this server on, for the kube-dns EndpointSlice (default: the address of --dns-bind-address, or the host\'s first IPv4 address when that is 0.0.0.0)'),
  logLevel: option.string('info', 'log level', LOG_LEVELS),
  ...busOptions,
};
