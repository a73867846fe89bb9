// rudder-controller-manager: configuration and wiring only.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { DelegatingAuthenticator } from '../../lib/auth/delegating-authenticator.js';
import { DelegatingAuthorizer } from '../../lib/auth/delegating-authorizer.js';
import { createBus } from '../../lib/bus/options.js';
import { realClock } from '../../lib/client/clock.js';
import { clusterAccess } from '../../lib/client/cluster-access.js';
import { EventRecorder } from '../../lib/client/event-recorder.js';
import { campaign } from '../../lib/client/leader-campaign.js';
import { RestClient } from '../../lib/client/rest-client.js';
import { loadOptions } from '../../lib/config/options.js';
import { buildComponentServer, listenComponentServer, servingCertificate } from '../../lib/observe/component-server.js';
import { createLogger } from '../../lib/observe/logger.js';
import { createMetricsRegistry } from '../../lib/observe/metrics.js';
import { logProcessFaults } from '../../lib/observe/process-faults.js';
import { onShutdown } from '../../lib/process/shutdown.js';
import { CidrSet } from './cidr-set.js';
import { selectControllers } from './controller-names.js';
import { ControllerClients } from './controller-clients.js';
import { buildControllers, checkConcurrency, type Controller } from './controllers.js';
import { controllerManagerOptions } from './options.js';
import { SharedInformers } from './shared-informers.js';

const options = loadOptions('rudder-controller-manager', controllerManagerOptions, { description: 'The Rudder controller-manager: the control loops that make desired state real (ReplicaSets, Deployments, DaemonSets, StatefulSets, Jobs, disruption budgets, garbage collection, namespaces, EndpointSlices).' });
const log = createLogger('controller-manager', options.logLevel);
const clock = realClock;
const identity = options.identity || `${hostname()}_${process.pid}`;

let access;
let selected: Set<string>;
let rootCa = '';
let nodeCidrs: CidrSet | undefined;
try {
  access = clusterAccess(options);
  // As kube-controller-manager: the CA of its own connection unless --root-ca-file names one.
  rootCa = options.rootCaFile ? readFileSync(options.rootCaFile, 'utf8') : (access.caPem ?? '');
  selected = selectControllers(options.controllers);
  if (!(options.maxEndpointsPerSlice >= 1 && options.maxEndpointsPerSlice <= 1000)) throw new Error(`--max-endpoints-per-slice must be between 1 and 1000, got ${options.maxEndpointsPerSlice}`);
  checkConcurrency(options);
  if (options.allocateNodeCidrs) {
    if (options.clusterCidr === '') throw new Error('--allocate-node-cidrs needs --cluster-cidr');
    nodeCidrs = new CidrSet(options.clusterCidr, options.nodeCidrMaskSize);
  }
} catch (error) {
  process.stderr.write(`rudder-controller-manager: ${(error as Error).message}\n`);
  process.exit(2);
}
const clientSettings = { encoding: 'msgpack' as const, qps: options.kubeApiQps, burst: options.kubeApiBurst, userAgent: 'rudder-controller-manager', clock };
const client = new RestClient({ ...access, ...clientSettings });
const controllerClients = new ControllerClients({ useServiceAccountCredentials: options.useServiceAccountCredentials, root: client, access, clock, clientSettings });
const bus = createBus(options, client, log);
const metrics = createMetricsRegistry('controller-manager');
const faults = logProcessFaults(log, metrics);
const informers = new SharedInformers({ client, bus, clock, log });
const events = new EventRecorder({ client, clock, identity, metrics, metricPrefix: 'rudder_controller_manager', log });
// As kube-controller-manager, controllers (and the informers they ask for) are built only once
// this process leads: a standby watches nothing and its workqueues stay empty.
let controllers = new Map<string, Controller>();

const https = servingCertificate(options.certDir);
// A standby is ready too (as kube-controller-manager): it waits for the lease.
const server = await buildComponentServer({
  metrics,
  readyz: { informerSync: () => informers.hasSynced() },
  https,
  authenticator: new DelegatingAuthenticator({ client, clock }),
  authorizer: new DelegatingAuthorizer({ client, clock }),
  log,
});
const address = await listenComponentServer(server, options.bindAddress, options.securePort, https !== undefined);
faults.serving();
log.info({ address, controllers: [...selected], identity, useServiceAccountCredentials: options.useServiceAccountCredentials }, 'controller-manager serving');

async function lead(): Promise<void> {
  const built = buildControllers(selected, { informers, client, clientFor: (name) => controllerClients.clientFor(name), clock, metrics, log, events, settings: { ...options, rootCa, nodeCidrs } });
  controllers = built.controllers;
  if (built.skipped.length > 0) log.info({ controllers: built.skipped }, 'controllers not run');
  informers.start();
  if (!(await informers.waitForSync(120_000))) log.warn({}, 'caches not synced after 120s; starting the controllers anyway');
  for (const controller of controllers.values()) controller.run();
  log.info({ identity }, 'controllers running');
}

const candidacy = campaign(options, { client, identity, clock, log, lead: () => void lead(), isStopping: () => shutdown.stopping });

const shutdown = onShutdown(log, async () => {
  await Promise.race([Promise.all([...controllers.values()].map((c) => c.stop())), new Promise((r) => setTimeout(r, 3000))]);
  await Promise.race([events.flushed(), new Promise((r) => setTimeout(r, 2000))]);
  await candidacy.stop();
  await informers.stop();
  await server.close();
  await bus.close();
  await controllerClients.close();
  await client.close();
});
