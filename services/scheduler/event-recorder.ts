// core/v1 Events about pods, worded as kube-scheduler words them: "Scheduled" (Normal,
// "Successfully assigned ns/name to node") and "FailedScheduling" (Warning, the fit error).
// Written in the background lane of the request pool: an event never delays a binding.
import type { Event, Pod } from 'kubernetes-types/core/v1.js';
import { findResource } from '../../lib/api/resources.js';
import type { RestClient } from '../../lib/client/rest-client.js';
import type { Clock } from '../../lib/client/clock.js';
import type { RequestPool } from './request-pool.js';

const EVENTS = findResource('', 'v1', 'events')!;

export class EventRecorder {
  private sequence = 0;

  constructor(
    private readonly client: RestClient,
    private readonly pool: RequestPool,
    private readonly clock: Clock,
    /** reportingController / source.component: the profile's schedulerName. */
    private readonly identity: string,
  ) {}

  scheduled(pod: Pod, schedulerName: string, nodeName: string): void {
    const { namespace, name } = pod.metadata ?? {};
    this.record(pod, schedulerName, 'Normal', 'Scheduled', 'Binding', `Successfully assigned ${namespace}/${name} to ${nodeName}`);
  }

  failedScheduling(pod: Pod, schedulerName: string, message: string): void {
    this.record(pod, schedulerName, 'Warning', 'FailedScheduling', 'Scheduling', message);
  }

  /** On a victim of preemption ("Preempted by ns/name on node N", as the preemption plugin words it). */
  preemptedWithMessage(victim: Pod, message: string): void {
    this.record(victim, victim.spec?.schedulerName ?? 'default-scheduler', 'Normal', 'Preempted', 'Preempting', message);
  }

  private record(pod: Pod, schedulerName: string, type: 'Normal' | 'Warning', reason: string, action: string, message: string): void {
    const now = this.clock.now();
    const time = new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const micro = new Date(now).toISOString().replace(/Z$/, '000Z');
    const namespace = pod.metadata?.namespace ?? 'default';
    const suffix = (BigInt(Math.floor(now)) * 1_000_000n + BigInt(this.sequence++ % 1_000_000)).toString(16);
    const event: Event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${pod.metadata?.name ?? 'pod'}.${suffix}`, namespace },
      involvedObject: { apiVersion: 'v1', kind: 'Pod', namespace, name: pod.metadata?.name, uid: pod.metadata?.uid, resourceVersion: pod.metadata?.resourceVersion },
      reason,
      message: message.length > 1024 ? `${message.slice(0, 1021)}...` : message,
      type,
      action,
      source: { component: schedulerName },
      reportingComponent: schedulerName,
      reportingInstance: this.identity,
      firstTimestamp: time,
      lastTimestamp: time,
      eventTime: micro,
      count: 1,
    };
    this.pool.submit('background', async () => {
      await this.client.create(EVENTS, event, { namespace });
    });
  }
}
