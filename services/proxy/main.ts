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
import { chooseBackend, Iptables } from './iptables.js';
import { ProxyMetrics } from './metrics.js';
import { proxyOptions } from './options.js';
import { buildHealthServer, parseBindAddress } from './server.js';
import { Syncer } from './syncer.js';
import { ensureSysctls } from './sysctls.js';

const options = loadOptions('rudder-proxy', proxyOptions, { description: "The Rudder service proxy: kube-proxy's iptables rules for this node's Services." });
const log = createLogger('proxy', options.logLevel);
const fail = (message: string): never => {
  process.stderr.write(`rudder-proxy: ${message}\n`);
  process.exit(2);
};

if (options.cleanup) {
  for (const backend of ['legacy', 'nft'] as const) {
    try {
      await new Iptables(backend).cleanup();
      log.info({ backend }, 'removed the proxy rules');
    } catch (error) {
      log.info({ backend, err: error }, 'nothing removed');
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

let iptables: Iptables | undefined;
if (!options.dryRun) {
  const chosen = await chooseBackend(options.iptablesBackend).catch((error: Error) => fail(error.message));
  log.info({ backend: chosen.backend, reason: chosen.reason }, 'iptables backend');
  iptables = new Iptables(chosen.backend);
  ensureSysctls(options.iptablesLocalhostNodeports, log);
}

const native = nativeProxyRules();
const syncer = new Syncer({
  settings: {
    nodeName,
    ipFamily: 'IPv4',
    localDetect: options.clusterCidr ? { mode: 'ClusterCIDR', cidr: options.clusterCidr } : { mode: 'None' },
    masqueradeBit: options.iptablesMasqueradeBit,
    localhostNodePorts: options.iptablesLocalhostNodeports,
    randomFully: true,
    ...(options.nodeportAddresses.length > 0 ? { nodePortIPs: options.nodeportAddresses } : {}),
  },
  compile: native.compileAsync,
  iptables,
  rulesFile: options.rulesFile || undefined,
  syncPeriodMs: options.iptablesSyncPeriod,
  minSyncPeriodMs: options.iptablesMinSyncPeriod,
  metrics: new ProxyMetrics(registry),
  clock: realClock,
  log,
});
const informers = new ProxyInformers({ client, bus, nodeName, syncer, clock: realClock, log });

const health = await buildHealthServer(() => syncer.healthy(), registry);
const metricsServer = await buildHealthServer(() => true, registry);
const healthAt = parseBindAddress(options.healthzBindAddress);
const metricsAt = parseBindAddress(options.metricsBindAddress);
await health.listen(healthAt);
await metricsServer.listen(metricsAt);
const port = (app: typeof health) => (app.server.address() as { port: number }).port;
log.info({ node: nodeName, healthzPort: port(health), metricsPort: port(metricsServer), dryRun: options.dryRun }, 'proxy started');

informers.start();
syncer.start();

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping');
  await informers.stop();
  await syncer.stop();
  await Promise.all([health.close(), metricsServer.close(), client.close()]);
  process.exit(0);
};
process.once('SIGTERM', () => void stop('SIGTERM'));
process.once('SIGINT', () => void stop('SIGINT'));
