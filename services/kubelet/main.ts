// rudder-kubelet: configuration and wiring only.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DelegatingAuthenticator } from '../../lib/auth/delegating-authenticator.js';
import { DelegatingAuthorizer } from '../../lib/auth/delegating-authorizer.js';
import { createBus } from '../../lib/bus/options.js';
import { realClock } from '../../lib/client/clock.js';
import { EventRecorder } from '../../lib/client/event-recorder.js';
import { RequestPool } from '../../lib/client/request-pool.js';
import { RestClient } from '../../lib/client/rest-client.js';
import { loadOptions } from '../../lib/config/options.js';
import { createLogger } from '../../lib/observe/logger.js';
import { createMetricsRegistry } from '../../lib/observe/metrics.js';
import { logProcessFaults } from '../../lib/observe/process-faults.js';
import { pkiPaths } from '../../lib/pki/certs.js';
import { ensureKubeletServingCert, servingAddresses } from '../../lib/pki/kubelet-serving.js';
import { clusterAccess } from '../../lib/client/cluster-access.js';
import { Kubelet } from './kubelet.js';
import { CriClient } from '../../lib/cri/client.js';
import { routeUpgrades } from '../../lib/http/upgrade-routing.js';
import { kubeletApiResource, kubeletApiRoutes } from './server/kubelet-api.js';
import { KubeletMetrics } from './metrics.js';
import { nodeIdentities } from './node/identities.js';
import { kubeletOptions } from './options.js';
import { buildComponentServer } from '../../lib/observe/component-server.js';
import { SimCheckpoint } from './runtime/sim/checkpoint.js';
import { SimRuntime } from './runtime/sim/sim-runtime.js';
import { criRuntimeFromOptions } from './runtime/cri/options.js';
import { DEFAULT_STAGES, loadStages } from './runtime/sim/stages.js';

const options = loadOptions('rudder-kubelet', kubeletOptions, { description: 'The Rudder kubelet: registers nodes, renews their Leases and runs the pods bound to them (simulated nodes with --runtime sim).' });
const log = createLogger('kubelet', options.logLevel);
const clock = realClock;

function fail(message: string): never {
  process.stderr.write(`rudder-kubelet: ${message}\n`);
  process.exit(2);
}

let access;
let identities;
let stages;
try {
  access = clusterAccess(options);
  identities = nodeIdentities({ ...options, simulated: options.runtime === 'sim', kubeletPort: options.port });
  stages = options.simStages ? loadStages(resolve(options.simStages)) : DEFAULT_STAGES;
} catch (error) {
  fail((error as Error).message);
}
const client = new RestClient({ ...access, encoding: 'msgpack', qps: options.kubeApiQps, burst: options.kubeApiBurst, userAgent: 'rudder-kubelet', clock });
const bus = createBus(options, client, log);
const registry = createMetricsRegistry('kubelet');
logProcessFaults(log, registry);
const metrics = new KubeletMetrics(registry);
const pool = new RequestPool(options.apiConcurrency);
const checkpoint = new SimCheckpoint({ path: options.rootDir ? join(resolve(options.rootDir), 'sim-runtime.json') : '', clock, log });
const kubelet = new Kubelet({
  client,
  bus,
  pool,
  clock,
  log,
  metrics,
  nodes: identities.map((identity) => ({
    identity,
    runtime: options.runtime === 'cri' ? criRuntimeFromOptions(options, { name: identity.name, internalIP: identity.internalIP, ...(options.podCidr ? { podCIDR: options.podCidr } : {}) }, options.rootDir, log, client, clock) : new SimRuntime({ nodeName: identity.name, clock, stages, checkpoint }),
  })),
  clusterCidr: options.clusterCidr,
  nodeCidrMaskSize: options.nodeCidrMaskSize,
  ...(options.podCidr ? { podCidr: options.podCidr } : {}),
  leaseDurationSeconds: options.nodeLeaseDurationSeconds,
  statusUpdatePeriodMs: options.nodeStatusUpdateFrequency,
  statusReportPeriodMs: options.nodeStatusReportFrequency,
  plegRelistPeriodMs: options.plegRelistPeriod,
  podWorkers: options.podWorkers,
  // Real nodes run probes and tell about their pods in events; simulated ones, like KWOK's, do neither.
  ...(options.runtime === 'cri' ? { probes: true, events: new EventRecorder({ client, clock, identity: identities[0]?.name ?? 'kubelet', metrics: registry, metricPrefix: 'kubelet', log }) } : {}),
});

const pki = options.certDir ? pkiPaths(resolve(options.certDir)) : undefined;
const nodeName = identities[0]!.name;
// A real node serves with a certificate of its own for its name and address when the CA's key is at hand;
// otherwise (simulated nodes) with the cluster serving certificate.
const serving = pki && options.runtime === 'cri' && existsSync(pki.caKey) ? await ensureKubeletServingCert(resolve(options.certDir), nodeName, servingAddresses(identities[0]!.internalIP, options.address)) : pki && { key: readFileSync(pki.serverKey), cert: readFileSync(pki.serverCert) };
// Clients (the apiserver with its kubelet-client certificate) may authenticate with a certificate of the cluster CA.
const https = pki && serving ? { ...serving, ca: readFileSync(pki.caCert) } : undefined;
const authorizer = new DelegatingAuthorizer({ client, clock, resourceFor: kubeletApiResource(nodeName) });
const server = await buildComponentServer({ metrics: registry, readyz: { 'nodes-registered': () => kubelet.isReady() }, https, authenticator: new DelegatingAuthenticator({ client, clock }), authorizer, log });
routeUpgrades(server);
await server.register(kubeletApiRoutes, {
  ...(options.runtime === 'cri' ? { client: new CriClient(options.containerRuntimeEndpoint.replace(/^unix:\/\//, '')) } : {}),
  pods: () => client.request({ method: 'GET', path: '/api/v1/pods', query: { fieldSelector: `spec.nodeName=${nodeName}` } }),
  log,
});
await server.listen({ host: options.address, port: options.port });
const address = server.server.address();
const port = typeof address === 'object' && address ? address.port : options.port;
log.info({ address: `${https ? 'https' : 'http'}://${options.address}:${port}`, runtime: options.runtime, nodes: identities.length }, 'kubelet serving');

try {
  await kubelet.start();
} catch (error) {
  log.error({ err: (error as Error).message }, 'kubelet could not start');
  process.exit(1);
}
log.info({ nodes: identities.length }, 'kubelet running');

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down');
  const force = setTimeout(() => process.exit(1), 10_000);
  force.unref();
  await kubelet.stop();
  checkpoint.flush();
  await server.close();
  await bus.close();
  await client.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
