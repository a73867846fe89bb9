// The scheduling queue's settings for a set of profiles: the QueueSort of the first profile
// (validation made every profile share it), each pod's profile's PreEnqueue plugins, the cluster
// events each enabled plugin registers for, and the configured backoff.
import type { KubeSchedulerConfiguration } from '../config/types.js';
import { DEFAULT_SCHEDULER_NAME } from '../config/types.js';
import type { Framework } from '../framework/framework.js';
import type { QueuedPodInfo as FrameworkQueuedPodInfo } from '../framework/interfaces.js';
import type { PodInfo } from '../types.js';
import type { EventRegistration } from './cluster-events.js';
import { pluginEvents } from './plugin-events.js';
import type { PreEnqueueCheck, QueuedPodInfo } from './queued-pod.js';
import type { SchedulingQueueConfig } from './scheduling-queue.js';

export interface QueueSettings {
  less: (a: QueuedPodInfo<PodInfo>, b: QueuedPodInfo<PodInfo>) => boolean;
  preEnqueue: PreEnqueueCheck<PodInfo>[];
  pluginEvents: Record<string, readonly EventRegistration[]>;
  podInitialBackoffSeconds: number;
  podMaxBackoffSeconds: number;
}

/** `frameworks` keyed by schedulerName, at least one. */
export function queueSettings(frameworks: ReadonlyMap<string, Framework>, configuration: KubeSchedulerConfiguration): QueueSettings {
  const first = frameworks.values().next().value as Framework;
  const frameworkOf = (podInfo: PodInfo): Framework | undefined => frameworks.get(podInfo.pod.spec?.schedulerName ?? DEFAULT_SCHEDULER_NAME);
  return {
    less: (a, b) => first.queueSortLess(a as FrameworkQueuedPodInfo, b as FrameworkQueuedPodInfo),
    preEnqueue: [
      {
        name: 'PreEnqueue',
        check: (podInfo) => {
          const status = frameworkOf(podInfo)?.runPreEnqueuePlugins(podInfo);
          return status === undefined || status.isSuccess() ? undefined : `${status.plugin}: ${status.message()}`;
        },
      },
    ],
    pluginEvents: pluginEvents(frameworks.values()),
    podInitialBackoffSeconds: configuration.podInitialBackoffSeconds,
    podMaxBackoffSeconds: configuration.podMaxBackoffSeconds,
  };
}

/** The part of a SchedulingQueue's config these settings fill (clock, nominator, metrics and log are the caller's). */
export function queueConfigOf(settings: QueueSettings): Pick<SchedulingQueueConfig<PodInfo>, 'less' | 'preEnqueue' | 'pluginEvents' | 'podInitialBackoffMs' | 'podMaxBackoffMs'> {
  return {
    less: settings.less,
    preEnqueue: settings.preEnqueue,
    pluginEvents: settings.pluginEvents,
    podInitialBackoffMs: settings.podInitialBackoffSeconds * 1000,
    podMaxBackoffMs: settings.podMaxBackoffSeconds * 1000,
  };
}
