// What the scheduler writes on a pod's status, as kube-scheduler does: the PodScheduled
// condition False/Unschedulable with the fit error and status.nominatedNodeName after
// preemption, DisruptionTarget on a preemption victim (strategic merge patches on pods/status,
// so other conditions stay as they are),
// and the nomination cleared once it is over (the pod bound, or preemption no longer helps).
// Nothing is written for a pod scheduled at the first attempt.
import type { Pod, PodCondition } from 'kubernetes-types/core/v1.js';
import { findResource } from '../../lib/api/resources.js';
import { StatusError } from '../../lib/api/status.js';
import type { Clock } from '../../lib/client/clock.js';
import type { RestClient } from '../../lib/client/rest-client.js';
import type { Logger } from '../../lib/observe/logger.js';
import type { RequestPool } from '../../lib/client/request-pool.js';

const PODS = findResource('', 'v1', 'pods')!;

export class PodStatusWriter {
  constructor(
    private readonly client: RestClient,
    private readonly pool: RequestPool,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** Sets PodScheduled=False (reason Unschedulable, or SchedulerError for errors) unless it already says so. */
  unschedulable(pod: Pod, message: string, options: { reason?: 'Unschedulable' | 'SchedulerError'; nominatedNodeName?: string } = {}): void {
    const reason = options.reason ?? 'Unschedulable';
    const current = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    const nominated = options.nominatedNodeName;
    const conditionSame = current?.status === 'False' && current.reason === reason && current.message === message;
    if (conditionSame && (nominated === undefined || nominated === pod.status?.nominatedNodeName)) return;
    const condition: PodCondition = {
      type: 'PodScheduled',
      status: 'False',
      reason,
      message,
      lastProbeTime: null as unknown as string,
      lastTransitionTime: current?.status === 'False' && current.lastTransitionTime ? current.lastTransitionTime : new Date(this.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    };
    const patch: Record<string, unknown> = { status: { conditions: [condition], ...(nominated !== undefined ? { nominatedNodeName: nominated } : {}) } };
    this.submit(pod, patch).catch((error: unknown) => this.log.warn({ pod: `${pod.metadata?.namespace}/${pod.metadata?.name}`, err: (error as Error)?.message }, 'pod status not written'));
  }

  /**
   * Marks a preemption victim with DisruptionTarget=True (reason PreemptionByScheduler) unless it
   * already says so; resolves once written (or the pod is gone).
   */
  disruptionTarget(pod: Pod, message: string): Promise<void> {
    const current = pod.status?.conditions?.find((c) => c.type === 'DisruptionTarget');
    if (current?.status === 'True' && current.reason === 'PreemptionByScheduler' && current.message === message) return Promise.resolve();
    const condition: PodCondition = {
      type: 'DisruptionTarget',
      status: 'True',
      reason: 'PreemptionByScheduler',
      message,
      lastTransitionTime: current?.status === 'True' && current.lastTransitionTime ? current.lastTransitionTime : new Date(this.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    };
    return this.submit(pod, { status: { conditions: [condition] } });
  }

  /** Removes status.nominatedNodeName; resolves once written (or the pod is gone). */
  clearNominatedNodeName(pod: Pod): Promise<void> {
    return this.submit(pod, { status: { nominatedNodeName: null } }, 'merge');
  }

  /** The same, for a pod the scheduler does not wait on: failures are logged. */
  clearNominatedNodeNameLater(pod: Pod): void {
    this.clearNominatedNodeName(pod).catch((error: unknown) => this.log.warn({ pod: `${pod.metadata?.namespace}/${pod.metadata?.name}`, err: (error as Error)?.message }, 'nomination not cleared'));
  }

  private submit(pod: Pod, patch: unknown, type: 'strategic' | 'merge' = 'strategic'): Promise<void> {
    const ref = { namespace: pod.metadata?.namespace, name: pod.metadata?.name ?? '', subresource: 'status' };
    return this.pool.run('background', async () => {
      try {
        await this.client.patch(PODS, ref, patch, type);
      } catch (error) {
        // The pod went away meanwhile: nothing to report on.
        if (!(error instanceof StatusError && error.code === 404)) throw error;
      }
    });
  }
}
