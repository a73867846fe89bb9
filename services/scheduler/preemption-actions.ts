// What preemption asks of the API: delete a victim (with a Preempted event on it, and first the
// DisruptionTarget condition on its status, as kube-scheduler's prepareCandidate writes it) and
// clear a pod's status.nominatedNodeName. Deletes carry the victim's uid as a precondition, so a
// pod recreated under the same name is never deleted by mistake.
import { findResource } from '../../lib/api/resources.js';
import { StatusError } from '../../lib/api/status.js';
import type { RestClient } from '../../lib/client/rest-client.js';
import type { PodInfo } from '../../lib/sched/types.js';
import type { EventRecorder } from './event-recorder.js';
import type { PodStatusWriter } from './pod-status.js';
import type { RequestPool } from '../../lib/client/request-pool.js';

const PODS = findResource('', 'v1', 'pods')!;

export class PreemptionActions {
  constructor(
    private readonly client: RestClient,
    private readonly pool: RequestPool,
    private readonly events: EventRecorder,
    private readonly status: PodStatusWriter,
  ) {}

  async deletePod(victim: PodInfo, reason: string, preemptor?: PodInfo): Promise<void> {
    this.events.preempted(victim.pod, reason);
    await this.status.disruptionTarget(victim.pod, `${preemptor?.pod.spec?.schedulerName ?? 'default-scheduler'}: preempting to accommodate a higher priority pod`);
    return this.pool.run('urgent', async () => {
      try {
        await this.client.delete(PODS, { namespace: victim.namespace, name: victim.name }, { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { uid: victim.uid } });
      } catch (error) {
        // Already gone, or a new pod under the same name: nothing of the victim is left to delete.
        if (!(error instanceof StatusError && (error.code === 404 || error.code === 409))) throw error;
      }
    });
  }

  clearNominatedNodeName(podInfo: PodInfo): Promise<void> {
    return this.status.clearNominatedNodeName(podInfo.pod);
  }
}
