// rudder-dns: configuration and wiring only. The cluster's DNS server (CoreDNS's kubernetes and
// forward plugins): Services and pods by name from informers, every other name from upstream.
import { createBus } from '../../lib/bus/options.js';
import { realClock } from '../../lib/client/clock.js';
import { clusterAccess } from '../../lib/client/cluster-access.js';
import type { ClusterAccess } from '../../lib/client/kubeconfig.js';
import { RestClient } from '../../lib/client/rest-client.js';
import { parseBindAddress } from '../../lib/config/bind-address.js';
import { hostIPv4 } from '../../lib/host/ipv4.js';
import { loadOptions } from '../../lib/config/options.js';
import { createLogger } from '../../lib/observe/logger.js';
import { createMetricsRegistry } from '../../lib/observe/metrics.js';
import { logProcessFaults } from '../../lib/observe/process-faults.js';
import { onShutdown } from '../../lib/process/shutdown.js';
import { ClusterRecords } from './cluster-records.js';
import { buildDnsHealthServer } from './health-server.js';
import { DnsInformers } from './informers.js';
import { startDnsServer } from './dns-server.js';
import { clusterDnsAddress, registerKubeDns } from '../../lib/cluster-dns/kube-dns-service.js';
import { dnsOptions } from './options.js';
import { chooseUpstreams } from './upstreams.js';

const options = loadOptions('rudder-dns', dnsOptions, { description: 'The Rudder cluster DNS server: Services and pods by name, other names forwarded.' });
const log = createLogger('dns', options.logLevel);
const fail = (message: string): never => {
  process.stderr.write(`rudder-dns: ${message}\n`);
  process.exit(2);
};
if (!Number.isInteger(options.ttl) || options.ttl < 0) fail('--ttl must be a whole number of seconds');
let access: ClusterAccess;
try {
  access = clusterAccess(options);
} catch (error) {
  fail((error as Error).message);
}
const client = new RestClient({ ...access!, encoding: 'msgpack', userAgent: 'rudder-dns' });
const bus = createBus(options, client, log);
const registry = createMetricsRegistry('dns');
const faults = logProcessFaults(log, registry);

const dnsAt = parseBindAddress(options.dnsBindAddress);
const records = new ClusterRecords();
const upstreams = chooseUpstreams(options.upstream, options.resolvConf, dnsAt);
const informers = new DnsInformers({ client, bus, records, clock: realClock, log });
const dns = await startDnsServer({ records, host: dnsAt.host, port: dnsAt.port, zone: options.clusterDomain, ttl: options.ttl, upstreams, cacheSize: options.cacheSize, registry, log, now: () => realClock.now() });
const dnsPort = dns.port;

const health = await buildDnsHealthServer(registry, { informers: () => informers.hasSynced() });
const metricsAt = parseBindAddress(options.metricsBindAddress);
await health.listen(metricsAt);
informers.start();
const metricsPort = (health.server.address() as { port: number }).port;
log.info({ dnsAddress: dnsAt.host, dnsPort, metricsPort, zone: options.clusterDomain, upstreams: upstreams.map((u) => `${u.host}:${u.port}`) }, 'dns started');

faults.serving();
if (options.registerService) void registerKubeDns(client, { clusterIP: clusterDnsAddress(options.serviceClusterIpRange), address: options.advertiseAddress || (dnsAt.host === '0.0.0.0' ? hostIPv4() : dnsAt.host), port: dnsPort, log });

onShutdown(log, async () => {
  await informers.stop();
  await Promise.all([dns.close(), health.close(), client.close()]);
});
