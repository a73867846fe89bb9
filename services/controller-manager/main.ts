// rudder-controller-manager: configuration and wiring only.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { DelegatingAuthenticator } from '../../lib/auth/delegating-authenticator.js';
import { createBus } from '../../lib/bus/options.js';
import { realClock } from '../../lib/client/clock.js';
import { clusterAccess } from '../../lib/client/cluster-access.js';
import { LeaderElector } from '../../lib/client/leader-election.js';
import { RestClient } from '../../lib/client/rest-client.js';
import { loadOptions } from '../../lib/config/options.js';
import { createLogger } from '../../lib/observe/logger.js';
import { createMetricsRegistry } from '../../lib/observe/metrics.js';
import { logProcessFaults } from '../../lib/observe/process-faults.js';
import { pkiPaths } from '../../lib/pki/certs.js';
import { selectControllers } from './controller-names.js';
import { buildControllers, checkConcurrency, type Controller } from './controllers.js';
import { controllerManagerOptions } from './options.js';
import { buildControllerManagerServer } from './server.js';
import { SharedInformers } from './shared-informers.js';

const options = loadOptions('rudder-controller-manager', controllerManagerOptions, { description: 'The Rudder controller-manager: the control loops that make desired state real (ReplicaSets, Deployments, garbage collection, namespaces, EndpointSlices).' });
const log = createLogger('controller-manager', options.logLevel);
const clock = realClock;
const identity = options.identity || `${hostname()}_${process.pid}`;

let access;
let selected: Set<string>;
try {
  access = clusterAccess(options);
  selected = selectControllers(options.controllers);
  if (!(options.maxEndpointsPerSlice >= 1 && options.maxEndpointsPerSlice <= 1000)) throw new Error(`--max-endpoints-per-slice must be between 1 and 1000, got ${options.maxEndpointsPerSlice}`);
  checkConcurrency(options);
} catch (error) {
  process.stderr.write(`rudder-controller-manager: ${(error as Error).message}\n`);
  process.exit(2);
}
const client = new RestClient({ ...access, encoding: 'msgpack', qps: options.kubeApiQps, burst: options.kubeApiBurst, userAgent: 'rudder-controller-manager', clock });
const bus = createBus(options, client, log);
const metrics = createMetricsRegistry('controller-manager');
logProcessFaults(log, metrics);
const informers = new SharedInformers({ client, bus, clock, log });
// As kube-controller-manager, controllers (and the informers they ask for) are built only once
// this process leads: a standby watches nothing and its workqueues stay empty.
let controllers = new Map<string, Controller>();

const https = options.certDir ? { key: readFileSync(pkiPaths(resolve(options.certDir)).serverKey), cert: readFileSync(pkiPaths(resolve(options.certDir)).serverCert) } : undefined;
// A standby is ready too (as kube-controller-manager): it has its caches and waits for the lease.
const server = await buildControllerManagerServer({
  metrics,
  readyz: { informerSync: () => informers.hasSynced() },
  https,
  authenticator: new DelegatingAuthenticator({ client, clock }),
  log,
});
await server.listen({ host: options.bindAddress, port: options.securePort });
const address = server.server.address();
const port = typeof address === 'object' && address ? address.port : options.securePort;
log.info({ address: `${https ? 'https' : 'http'}://${options.bindAddress}:${port}`, controllers: [...selected], identity }, 'controller-manager serving');

let stopping = false;
async function lead(): Promise<void> {
  const built = buildControllers(selected, { informers, client, clock, metrics, log, settings: options });
  controllers = built.controllers;
  if (built.skipped.length > 0) log.info({ controllers: built.skipped }, 'controllers not run');
  informers.start();
  if (!(await informers.waitForSync(120_000))) log.warn({}, 'caches not synced after 120s; starting the controllers anyway');
  for (const controller of controllers.values()) controller.run();
  log.info({ identity }, 'controllers running');
}

const campaign = new AbortController();
let elector: Promise<void> | undefined;
if (options.leaderElect) {
  elector = new LeaderElector({
    client,
    namespace: options.leaderElectResourceNamespace,
    name: options.leaderElectResourceName,
    identity,
    leaseDurationMs: options.leaderElectLeaseDuration,
    renewDeadlineMs: options.leaderElectRenewDeadline,
    retryPeriodMs: options.leaderElectRetryPeriod,
    callbacks: {
      onStartedLeading: () => void lead(),
      onStoppedLeading: () => {
        if (stopping) return;
        // As kube-controller-manager: a lost lease ends the process; its supervisor starts a fresh standby.
        log.error({ identity }, 'leader election lost');
        process.exit(1);
      },
      onNewLeader: (leader) => log.info({ leader }, 'new leader'),
    },
    clock,
    log,
  }).run(campaign.signal);
} else {
  void lead();
}

async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down');
  const force = setTimeout(() => process.exit(1), 10_000);
  force.unref();
  await Promise.race([Promise.all([...controllers.values()].map((c) => c.stop())), new Promise((r) => setTimeout(r, 3000))]);
  campaign.abort();
  await elector;
  await informers.stop();
  await server.close();
  await bus.close();
  await client.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
