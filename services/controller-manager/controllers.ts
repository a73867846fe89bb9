// The controllers by name, each built on the shared informers; main.ts picks them with
// --controllers. A controller is built before the informers start (so its handlers see every
// object) and run only while this process leads.
import type { Registry } from 'prom-client';
import type { Clock } from '../../lib/client/clock.js';
import type { EventRecorder } from '../../lib/client/event-recorder.js';
import type { RestClient } from '../../lib/client/rest-client.js';
import type { Logger } from '../../lib/observe/logger.js';
import { DaemonSetController } from './daemon-set.js';
import { DeploymentController } from './deployment/deployment-controller.js';
import { EndpointSliceController } from './endpoint-slice.js';
import { GarbageCollector } from './garbage-collector.js';
import { CronJobController } from './cronjob/cronjob-controller.js';
import { JobController } from './job/job-controller.js';
import type { CidrSet } from './cidr-set.js';
import { NamespaceController } from './namespace.js';
import { NodeIpamController } from './node-ipam.js';
import { NodeLifecycleController } from './node-lifecycle.js';
import { TaintEvictionController } from './taint-eviction.js';
import { DisruptionController } from './disruption.js';
import { PodGcController } from './pod-gc.js';
import { StatefulSetController } from './stateful-set.js';
import { TtlAfterFinishedController } from './ttl-after-finished.js';
import { PvcProtectionController, PvProtectionController } from './volume-protection.js';
import { rootCaPublisher } from './root-ca-publisher.js';
import { serviceAccountController } from './service-account.js';
import { REPLICA_SETS, REPLICATION_CONTROLLERS, ReplicaSetController } from './replica-set.js';
import type { SharedInformers } from './shared-informers.js';

export interface Controller {
  run(): void;
  stop(): Promise<void>;
}

export interface ControllerSettings {
  concurrentReplicasetSyncs: number;
  concurrentRcSyncs: number;
  concurrentDeploymentSyncs: number;
  concurrentJobSyncs: number;
  concurrentCronJobSyncs: number;
  concurrentDaemonsetSyncs: number;
  concurrentStatefulsetSyncs: number;
  concurrentTtlAfterFinishedSyncs: number;
  /** Finished pods kept before pod GC deletes the oldest (0: no limit). */
  terminatedPodGcThreshold: number;
  concurrentGcSyncs: number;
  concurrentNamespaceSyncs: number;
  concurrentServiceEndpointSyncs: number;
  maxEndpointsPerSlice: number;
  concurrentServiceaccountSyncs: number;
  concurrentRootCaSyncs: number;
  /** The PEM bundle the root CA publisher publishes ('' turns it off). */
  rootCa: string;
  nodeMonitorPeriod: number;
  nodeMonitorGracePeriod: number;
  /** Node pod CIDRs to hand out (absent unless --allocate-node-cidrs with a --cluster-cidr). */
  nodeCidrs?: CidrSet;
}

export interface ControllerDeps {
  events: EventRecorder;
  informers: SharedInformers;
  client: RestClient;
  clock: Clock;
  metrics: Registry;
  log: Logger;
  settings: ControllerSettings;
  /** The client a controller writes with (its own ServiceAccount's, see controller-clients.ts); default: `client`. */
  clientFor?: (controller: string) => RestClient;
}

/** Throws unless every --concurrent-*-syncs is a positive integer. */
export function checkConcurrency(settings: Readonly<Record<string, unknown>>): void {
  for (const [name, value] of Object.entries(settings)) {
    if (name.startsWith('concurrent') && !(typeof value === 'number' && Number.isInteger(value) && value >= 1)) {
      throw new Error(`--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} must be a positive integer, got ${value}`);
    }
  }
}

/** A controller, or undefined when its settings leave it nothing to do. */
type Builder = (deps: ControllerDeps) => Controller | undefined;

const BUILDERS: Record<string, Builder> = {
  'replicaset-controller': (d) => new ReplicaSetController({ ...d, kind: REPLICA_SETS, workers: d.settings.concurrentReplicasetSyncs }),
  'replicationcontroller-controller': (d) => new ReplicaSetController({ ...d, kind: REPLICATION_CONTROLLERS, workers: d.settings.concurrentRcSyncs }),
  'deployment-controller': (d) => new DeploymentController({ ...d, workers: d.settings.concurrentDeploymentSyncs }),
  'job-controller': (d) => new JobController({ ...d, workers: d.settings.concurrentJobSyncs }),
  'cronjob-controller': (d) => new CronJobController({ ...d, workers: d.settings.concurrentCronJobSyncs }),
  'daemonset-controller': (d) => new DaemonSetController({ ...d, workers: d.settings.concurrentDaemonsetSyncs }),
  'garbage-collector-controller': (d) => new GarbageCollector({ ...d, workers: d.settings.concurrentGcSyncs }),
  'namespace-controller': (d) => new NamespaceController({ ...d, workers: d.settings.concurrentNamespaceSyncs }),
  'serviceaccount-controller': (d) => serviceAccountController({ ...d, workers: d.settings.concurrentServiceaccountSyncs }),
  'root-ca-certificate-publisher-controller': (d) => (d.settings.rootCa === '' ? undefined : rootCaPublisher({ ...d, workers: d.settings.concurrentRootCaSyncs }, d.settings.rootCa)),
  'node-ipam-controller': (d) => (d.settings.nodeCidrs ? new NodeIpamController({ ...d, workers: 1, cidrs: d.settings.nodeCidrs }) : undefined),
  'node-lifecycle-controller': (d) => new NodeLifecycleController({ ...d, workers: 1, monitorPeriodMs: d.settings.nodeMonitorPeriod, gracePeriodMs: d.settings.nodeMonitorGracePeriod }),
  'taint-eviction-controller': (d) => new TaintEvictionController({ ...d, workers: 8 }),
  'endpointslice-controller': (d) => new EndpointSliceController({ ...d, workers: d.settings.concurrentServiceEndpointSyncs, maxEndpointsPerSlice: d.settings.maxEndpointsPerSlice }),
  'statefulset-controller': (d) => new StatefulSetController({ ...d, workers: d.settings.concurrentStatefulsetSyncs }),
  'disruption-controller': (d) => new DisruptionController({ ...d, workers: 1 }),
  'pod-garbage-collector-controller': (d) => new PodGcController({ ...d, workers: 1, terminatedPodThreshold: d.settings.terminatedPodGcThreshold }),
  'ttl-after-finished-controller': (d) => new TtlAfterFinishedController({ ...d, workers: d.settings.concurrentTtlAfterFinishedSyncs }),
  'persistentvolume-protection-controller': (d) => new PvProtectionController({ ...d, workers: 1 }),
  'persistentvolumeclaim-protection-controller': (d) => new PvcProtectionController({ ...d, workers: 1 }),
};

/** Builds the named controllers; a name without a builder is skipped and returned in `skipped`. */
export function buildControllers(names: Iterable<string>, deps: ControllerDeps): { controllers: Map<string, Controller>; skipped: string[] } {
  const controllers = new Map<string, Controller>();
  const skipped: string[] = [];
  for (const name of names) {
    const build = BUILDERS[name];
    if (!build) {
      skipped.push(name);
      continue;
    }
    const controller = build({ ...deps, client: deps.clientFor?.(name) ?? deps.client, log: deps.log.child({ controller: name }) });
    if (controller) controllers.set(name, controller);
    else skipped.push(name);
  }
  return { controllers, skipped };
}
