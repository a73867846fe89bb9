// rudder-proxy: configuration and wiring only. Runs in its node's network namespace.
import { hostname } from 'node:os';
import { createBus } from '../../lib/bus/options.js';
import { realClock } from '../../lib/client/clock.js';
import { loadKubeconfig } from '../../lib/client/kubeconfig.js';
import { RestClient } from '../../lib/client/rest-client.js';
import { loadOptions } from '../../lib/config/options.js';
import { nativeProxyRules } from '../../lib/native/proxy.js';
import { createLogger } from '../../lib/observe/logger.js';
import { createMetricsRegistry } from '../../lib/observe/metrics.js';
import { logProcessFaults } from '../../lib/observe/process-faults.js';
import { ProxyInformers } from './informers.js';
import { chooseBackend, Iptables, proxyFamilies, type Backend, type IPFamily } from './iptables.js';
import { ProxyMetrics } from './metrics.js';
import { proxyOptions } from './options.js';
import { buildHealthServer, parseBindAddress } from './server.js';
import { Syncer } from './syncer.js';
import type { NodeSettings } from '../../lib/proxy/model.js';
import { ensureSysctls } from './sysctls.js';

const options = loadOptions('rudder-proxy', proxyOptions, { description: "The Rudder service proxy: kube-proxy's iptables rules for this node's Services." });
const log = createLogger('proxy', options.logLevel);
const fail = (message: string): never => {
  process.stderr.write(`rudder-proxy: ${message}\n`);
  process.exit(2);
};

if (options.cleanup) {
  for (const backend of ['legacy', 'nft'] as const) {
    for (const family of ['IPv4', 'IPv6'] as const) {
      try {
        await new Iptables(backend, family).cleanup();
        log.info({ backend, family }, 'removed the proxy rules');
      } catch (error) {
        log.info({ backend, family, err: error }, 'nothing removed');
      }
    }
  }
  process.exit(0);
}

if (options.dryRun && !options.rulesFile) fail('--dry-run needs --rules-file');
if (!Number.isInteger(options.iptablesMasqueradeBit) || options.iptablesMasqueradeBit < 0 || options.iptablesMasqueradeBit > 31) fail('--iptables-masquerade-bit must be within 0..31');
if (!options.kubeconfig) fail('give --kubeconfig');
const access = loadKubeconfig(options.kubeconfig);
const client = new RestClient({ ...access, ...(options.master ? { server: options.master } : {}), encoding: 'msgpack', userAgent: 'rudder-proxy' });
const bus = createBus(options, client, log);
const registry = createMetricsRegistry('proxy');
logProcessFaults(log, registry);
const nodeName = options.hostnameOverride || hostname();

// One proxier per IP family, as kube-proxy: IPv6 too where ip6tables works (in a dry run, always;
// its rules go to --rules-file with ".ipv6" appended).
let backend: Backend | undefined;
let families: IPFamily[] = ['IPv4', 'IPv6'];
if (!options.dryRun) {
  const chosen = await chooseBackend(options.iptablesBackend).catch((error: Error) => fail(error.message));
  log.info({ backend: chosen.backend, reason: chosen.reason }, 'iptables backend');
  backend = chosen.backend;
  families = await proxyFamilies(backend);
  ensureSysctls(options.iptablesLocalhostNodeports, log);
}
log.info({ families }, families.length > 1 ? 'dual-stack: one proxier per IP family' : 'single-stack IPv4');

const familyOf = (cidr: string): IPFamily => (cidr.includes(':') ? 'IPv6' : 'IPv4');
const settingsFor = (family: IPFamily): NodeSettings => {
  const clusterCidr = options.clusterCidr.split(',').map((c) => c.trim()).find((c) => c !== '' && familyOf(c) === family);
  return {
    nodeName,
    ipFamily: family,
    localDetect: clusterCidr ? { mode: 'ClusterCIDR', cidr: clusterCidr } : { mode: 'None' },
    masqueradeBit: options.iptablesMasqueradeBit,
    localhostNodePorts: options.iptablesLocalhostNodeports,
    randomFully: true,
    ...(options.nodeportAddresses.length > 0 ? { nodePortIPs: options.nodeportAddresses } : {}),
  };
};

const native = nativeProxyRules();
const proxyMetrics = new ProxyMetrics(registry);
const syncers = families.map((family) => {
  const settings = settingsFor(family);
  const rulesFile = options.rulesFile ? `${options.rulesFile}${family === 'IPv6' ? '.ipv6' : ''}` : undefined;
  return new Syncer({
    family,
    settings,
    state: native.state(settings),
    iptables: backend ? new Iptables(backend, family) : undefined,
    rulesFile,
    syncPeriodMs: options.iptablesSyncPeriod,
    minSyncPeriodMs: options.iptablesMinSyncPeriod,
    metrics: proxyMetrics,
    clock: realClock,
    log,
  });
});
const informers = new ProxyInformers({ client, bus, nodeName, syncers, clock: realClock, log });

const health = await buildHealthServer(() => syncers.every((s) => s.healthy()), registry);
const metricsServer = await buildHealthServer(() => true, registry);
const healthAt = parseBindAddress(options.healthzBindAddress);
const metricsAt = parseBindAddress(options.metricsBindAddress);
await health.listen(healthAt);
await metricsServer.listen(metricsAt);
const port = (app: typeof health) => (app.server.address() as { port: number }).port;
log.info({ node: nodeName, healthzPort: port(health), metricsPort: port(metricsServer), dryRun: options.dryRun }, 'proxy started');

informers.start();
for (const syncer of syncers) syncer.start();

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping');
  await informers.stop();
  await Promise.all(syncers.map((s) => s.stop()));
  await Promise.all([health.close(), metricsServer.close(), client.close()]);
  process.exit(0);
};
process.once('SIGTERM', () => void stop('SIGTERM'));
process.once('SIGINT', () => void stop('SIGINT'));
