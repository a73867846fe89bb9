// core/v1 Events about pods, worded as kube-scheduler words them: "Scheduled" (Normal,
// "Successfully assigned ns/name to node"), "FailedScheduling" (Warning, the fit error) and
// "Preempted" on victims; written best effort by lib/client's recorder (dropped events counted in
// rudder_scheduler_events_dropped_total).
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Registry } from 'prom-client';
import type { Clock } from '../../lib/client/clock.js';
import { EventRecorder as Recorder } from '../../lib/client/event-recorder.js';
import type { RestClient } from '../../lib/client/rest-client.js';
import type { Logger } from '../../lib/observe/logger.js';

export interface EventRecorderConfig {
  client: RestClient;
  clock: Clock;
  /** reportingInstance: this scheduler's identity. */
  identity: string;
  metrics: Registry;
  log: Logger;
  maxQueued?: number;
}

export class EventRecorder {
  private readonly recorder: Recorder;

  constructor(config: EventRecorderConfig) {
    this.recorder = new Recorder({ ...config, metricPrefix: 'rudder_scheduler' });
  }

  scheduled(pod: Pod, schedulerName: string, nodeName: string): void {
    const { namespace, name } = pod.metadata ?? {};
    this.record(pod, schedulerName, 'Normal', 'Scheduled', 'Binding', `Successfully assigned ${namespace}/${name} to ${nodeName}`);
  }

  failedScheduling(pod: Pod, schedulerName: string, message: string): void {
    this.record(pod, schedulerName, 'Warning', 'FailedScheduling', 'Scheduling', message);
  }

  /** On a victim of preemption ("Preempted by pod UID on node N", as the preemption plugin words it). */
  preempted(victim: Pod, message: string): void {
    this.record(victim, victim.spec?.schedulerName ?? 'default-scheduler', 'Normal', 'Preempted', 'Preempting', message);
  }

  /** Resolves once every queued event was written (or given up). */
  flushed(): Promise<void> {
    return this.recorder.flushed();
  }

  private record(pod: Pod, schedulerName: string, type: 'Normal' | 'Warning', reason: string, action: string, message: string): void {
    this.recorder.record({ apiVersion: 'v1', kind: 'Pod', metadata: pod.metadata }, schedulerName, type, reason, action, message);
  }
}
