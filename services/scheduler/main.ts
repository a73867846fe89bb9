// rudder-scheduler: configuration and wiring only.
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { DelegatingAuthenticator } from '../../lib/auth/delegating-authenticator.js';
import { DelegatingAuthorizer } from '../../lib/auth/delegating-authorizer.js';
import { createBus } from '../../lib/bus/options.js';
import { realClock } from '../../lib/client/clock.js';
import { campaign } from '../../lib/client/leader-campaign.js';
import { RestClient } from '../../lib/client/rest-client.js';
import { loadOptions } from '../../lib/config/options.js';
import { createLogger } from '../../lib/observe/logger.js';
import { createMetricsRegistry } from '../../lib/observe/metrics.js';
import { logProcessFaults } from '../../lib/observe/process-faults.js';
import { listenComponentServer, servingCertificate } from '../../lib/observe/component-server.js';
import { onShutdown } from '../../lib/process/shutdown.js';
import { SchedulerCache } from '../../lib/sched/cache.js';
import { NativeAccelerator } from '../../lib/sched/kernel/index.js';
import { Nominator } from '../../lib/sched/queue/nominator.js';
import { queueConfigOf } from '../../lib/sched/queue/queue-settings.js';
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
import { buildProfiles } from './scheduler-configuration.js';
import { RequestPool } from '../../lib/client/request-pool.js';
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
const faults = logProcessFaults(log, metrics);
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
  ...queueConfigOf(queueSettings),
  metrics,
  log,
});
const informers = new ClusterInformers({ client, bus, cache, queue, schedulerNames: new Set(profiles.keys()), clock, log });
const loop = new SchedulingLoop({ queue, cache, profiles, client, pool, events, status, metrics: new SchedulerMetrics(metrics), explanations, pluginScores: options.explainPluginScores, clock, log });

const https = servingCertificate(options.certDir);
// A standby is ready too (as kube-scheduler): it has its caches and waits for the lease.
const server = await buildSchedulerServer({
  metrics,
  explanations,
  readyz: { informerSync: () => informers.hasSynced() && workloads.hasSynced() },
  https,
  authenticator: new DelegatingAuthenticator({ client, clock }),
  authorizer: new DelegatingAuthorizer({ client, clock }),
  log,
});
const address = await listenComponentServer(server, options.bindAddress, options.securePort, https !== undefined);
faults.serving();
informers.start();
workloads.start();
log.info({ address, profiles: [...profiles.keys()], nativeKernel: accelerator !== undefined, identity }, 'scheduler serving');

async function lead(): Promise<void> {
  const synced = await Promise.all([informers.waitForSync(120_000), workloads.waitForSync(120_000)]);
  if (!synced.every(Boolean)) log.warn({}, 'caches not synced after 120s; scheduling anyway');
  queue.run();
  loop.start();
  log.info({ identity }, 'scheduling');
}

const candidacy = campaign(options, { client, identity, clock, log, lead: () => void lead(), isStopping: () => shutdown.stopping });

const shutdown = onShutdown(log, async () => {
  queue.close();
  await loop.stop();
  await Promise.race([Promise.all([pool.idle(), events.flushed()]), new Promise((r) => setTimeout(r, 3000))]);
  await candidacy.stop();
  await Promise.all([informers.stop(), workloads.stop()]);
  await server.close();
  await bus.close();
  await client.close();
  accelerator?.close();
});
