// rudder-scheduler: configuration and wiring only.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { DelegatingAuthenticator } from '../../lib/auth/delegating-authenticator.js';
import { createBus } from '../../lib/bus/options.js';
import { realClock } from '../../lib/client/clock.js';
import { LeaderElector } from '../../lib/client/leader-election.js';
import { RestClient } from '../../lib/client/rest-client.js';
import { loadOptions } from '../../lib/config/options.js';
import { createLogger } from '../../lib/observe/logger.js';
import { createMetricsRegistry } from '../../lib/observe/metrics.js';
import { logProcessFaults } from '../../lib/observe/process-faults.js';
import { pkiPaths } from '../../lib/pki/certs.js';
import { SchedulerCache } from '../../lib/sched/cache.js';
import { NativeAccelerator } from '../../lib/sched/kernel/index.js';
import { Nominator } from '../../lib/sched/queue/nominator.js';
import { SchedulingQueue } from '../../lib/sched/queue/scheduling-queue.js';
import type { PodInfo } from '../../lib/sched/types.js';
import { Binder } from './binder.js';
import { clusterAccess } from '../../lib/client/cluster-access.js';
import { ClusterInformers } from './cluster-informers.js';
import { EventRecorder } from './event-recorder.js';
import { ExplanationStore } from './explanations.js';
import { SchedulerMetrics } from './metrics.js';
import { schedulerOptions } from './options.js';
import { PodStatusWriter } from './pod-status.js';
import { PreemptionActions } from './preemption-actions.js';
import { buildProfiles } from './profiles.js';
import { RequestPool } from './request-pool.js';
import { SchedulingLoop } from './scheduling-loop.js';
import { WorkloadInformers } from './workload-informers.js';
import { buildSchedulerServer } from './server.js';

const options = loadOptions('rudder-scheduler', schedulerOptions, { description: 'The Rudder scheduler: assigns pending pods to nodes with kube-scheduler\'s framework.' });
const log = createLogger('scheduler', options.logLevel);
const clock = realClock;
const identity = options.identity || `${hostname()}_${process.pid}`;

let access;
try {
  access = clusterAccess(options);
} catch (error) {
  process.stderr.write(`rudder-scheduler: ${(error as Error).message}\n`);
  process.exit(2);
}
const client = new RestClient({ ...access, encoding: 'msgpack', qps: options.kubeApiQps, burst: options.kubeApiBurst, userAgent: 'rudder-scheduler', clock });
const bus = createBus(options, client, log);
const metrics = createMetricsRegistry('scheduler');
logProcessFaults(log, metrics);
const pool = new RequestPool(options.bindConcurrency);
const events = new EventRecorder({ client, clock, identity, metrics, log });
const status = new PodStatusWriter(client, pool, clock, log);
const binder = new Binder(client, pool);
const cache = new SchedulerCache();
let accelerator: NativeAccelerator | undefined;
if (options.nativeKernel) {
  try {
    accelerator = NativeAccelerator.create(cache);
  } catch (error) {
    process.stderr.write(`rudder-scheduler: ${(error as Error).message} (or run with --native-kernel=false)\n`);
    process.exit(2);
  }
}
const explanations = new ExplanationStore();

const nominator = new Nominator<PodInfo>();
const workloads = new WorkloadInformers({ client, bus, clock, log });
let built;
try {
  built = await buildProfiles({
    configFile: options.config ? resolve(options.config) : undefined,
    pluginModules: options.pluginModule,
    nominator,
    binder,
    preemption: new PreemptionActions(client, pool, events, status),
    workloads,
    accelerator,
    clock,
    log,
  });
} catch (error) {
  process.stderr.write(`rudder-scheduler: ${(error as Error).message}\n`);
  process.exit(2);
}
const { profiles, queue: queueSettings } = built;
const queue = new SchedulingQueue<PodInfo>({
  clock,
  nominator,
  less: queueSettings.less,
  preEnqueue: queueSettings.preEnqueue,
  pluginEvents: queueSettings.pluginEvents,
  podInitialBackoffMs: queueSettings.podInitialBackoffSeconds * 1000,
  podMaxBackoffMs: queueSettings.podMaxBackoffSeconds * 1000,
  metrics,
  log,
});
const informers = new ClusterInformers({ client, bus, cache, queue, schedulerNames: new Set(profiles.keys()), clock, log });
const loop = new SchedulingLoop({ queue, cache, profiles, client, pool, events, status, metrics: new SchedulerMetrics(metrics), explanations, pluginScores: options.explainPluginScores, clock, log });

const https = options.certDir ? { key: readFileSync(pkiPaths(resolve(options.certDir)).serverKey), cert: readFileSync(pkiPaths(resolve(options.certDir)).serverCert) } : undefined;
// A standby is ready too (as kube-scheduler): it has its caches and waits for the lease.
const server = await buildSchedulerServer({
  metrics,
  explanations,
  readyz: { informerSync: () => informers.hasSynced() && workloads.hasSynced() },
  https,
  authenticator: new DelegatingAuthenticator({ client, clock }),
  log,
});
await server.listen({ host: options.bindAddress, port: options.securePort });
const address = server.server.address();
const port = typeof address === 'object' && address ? address.port : options.securePort;
informers.start();
workloads.start();
log.info({ address: `${https ? 'https' : 'http'}://${options.bindAddress}:${port}`, profiles: [...profiles.keys()], nativeKernel: accelerator !== undefined, identity }, 'scheduler serving');

let stopping = false;
async function lead(): Promise<void> {
  const synced = await Promise.all([informers.waitForSync(120_000), workloads.waitForSync(120_000)]);
  if (!synced.every(Boolean)) log.warn({}, 'caches not synced after 120s; scheduling anyway');
  queue.run();
  loop.start();
  log.info({ identity }, 'scheduling');
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
        // As kube-scheduler: a lost lease ends the process; its supervisor starts a fresh standby.
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
  queue.close();
  await loop.stop();
  await Promise.race([Promise.all([pool.idle(), events.flushed()]), new Promise((r) => setTimeout(r, 3000))]);
  campaign.abort();
  await elector;
  await Promise.all([informers.stop(), workloads.stop()]);
  await server.close();
  await bus.close();
  await client.close();
  accelerator?.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
