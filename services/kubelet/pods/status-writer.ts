// The kubelet's status manager: writes a pod's status only when it differs from what the
// apiserver holds, as a merge patch of pods/status computed from the stored status (so fields
// others own, nominatedNodeName or a scheduler's condition, stay), through the shared pool.
import type { Pod, PodStatus } from 'kubernetes-types/core/v1.js';
import { isDeepStrictEqual } from 'node:util';
import { createMergePatch } from '../../../lib/api/patch/merge-patch.js';
import { findResource } from '../../../lib/api/resources.js';
import { StatusError } from '../../../lib/api/status.js';
import type { RequestPool } from '../../../lib/client/request-pool.js';
import type { RestClient } from '../../../lib/client/rest-client.js';

const PODS = findResource('', 'v1', 'pods')!;

export class StatusWriter {
  writes = 0;

  constructor(
    private readonly client: RestClient,
    private readonly pool: RequestPool,
  ) {}

  /**
   * Writes `status` over `pod`'s if it differs; resolves with the pod as stored afterwards
   * (undefined when the pod is gone). Failures other than 404 reject (the worker retries).
   */
  async write(pod: Pod, status: PodStatus): Promise<Pod | undefined> {
    const stored = (pod.status ?? {}) as Record<string, unknown>;
    const wanted = JSON.parse(JSON.stringify(status)) as Record<string, unknown>;
    if (isDeepStrictEqual(stored, wanted)) return pod;
    const patch = { metadata: { uid: pod.metadata?.uid }, status: createMergePatch(stored, wanted) };
    const ref = { namespace: pod.metadata?.namespace, name: pod.metadata?.name ?? '', subresource: 'status' };
    this.writes++;
    try {
      return await this.pool.run('urgent', () => this.client.patch<Pod>(PODS, ref, patch, 'merge'));
    } catch (error) {
      if (error instanceof StatusError && error.code === 404) return undefined;
      throw error;
    }
  }

  /** Deletes a pod whose containers all stopped: grace 0, only if it is still the same pod. */
  async finishDeletion(pod: Pod): Promise<void> {
    const ref = { namespace: pod.metadata?.namespace, name: pod.metadata?.name ?? '' };
    try {
      await this.pool.run('urgent', () => this.client.delete(PODS, ref, { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0, preconditions: { uid: pod.metadata?.uid } }));
    } catch (error) {
      if (error instanceof StatusError && (error.code === 404 || error.code === 409)) return;
      throw error;
    }
  }
}
