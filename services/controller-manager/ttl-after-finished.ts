// The TTL-after-finished controller (k8s.io/kubernetes/pkg/controller/ttlafterfinished): a Job
// with spec.ttlSecondsAfterFinished is deleted (propagationPolicy Foreground, so its pods go
// first) that many seconds after it finished — its Complete or Failed condition's
// lastTransitionTime. Before deleting, the Job is read again from the apiserver so a TTL changed
// meanwhile is honoured.
import type { Job } from 'kubernetes-types/batch/v1.js';
import type { KubeObject } from '../../lib/api/object.js';
import { StatusError } from '../../lib/api/status.js';
import type { Informer } from '../../lib/client/informer.js';
import { objectKey } from '../../lib/client/paths.js';
import type { ControllerContext } from './controller-context.js';
import { JOBS } from './job/job-controller.js';
import { QueueController, QueueWorkers, controllerQueue } from './queue-workers.js';

type JobObject = Job & KubeObject;

/** When a finished Job with a TTL expires (ms since the epoch), undefined when it has no TTL or has not finished. */
export function expiresAt(job: Job): number | undefined {
  const ttl = job.spec?.ttlSecondsAfterFinished;
  if (ttl === undefined || ttl === null) return undefined;
  const finished = job.status?.conditions?.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
  if (!finished) return undefined;
  const at = Date.parse(finished.lastTransitionTime ?? job.status?.completionTime ?? '');
  return (Number.isFinite(at) ? at : 0) + ttl * 1000;
}

export class TtlAfterFinishedController extends QueueController {
  private readonly jobs: Informer<JobObject>;
  protected readonly workers: QueueWorkers;

  constructor(private readonly config: ControllerContext) {
    super();
    this.jobs = config.informers.informerFor<JobObject>(JOBS);
    this.workers = controllerQueue(config, 'ttl_jobs_to_delete', (key) => this.sync(key));
    const enqueue = (job: JobObject): void => {
      if (!job.metadata?.deletionTimestamp && expiresAt(job) !== undefined) this.workers.queue.add(objectKey(job));
    };
    this.jobs.addEventHandler({ onAdd: enqueue, onUpdate: (_before, after) => enqueue(after) });
  }

  async sync(key: string): Promise<void> {
    const cached = this.jobs.indexer.get(key);
    if (!cached || cached.metadata?.deletionTimestamp) return;
    if (!this.waitIfNotExpired(key, cached)) return;
    // The cache may be behind a TTL change: decide on the apiserver's copy.
    let fresh: JobObject;
    try {
      fresh = await this.config.client.get<JobObject>(JOBS, { namespace: cached.metadata?.namespace, name: cached.metadata?.name ?? '' });
    } catch (error) {
      if (error instanceof StatusError && error.status.code === 404) return;
      throw error;
    }
    if (fresh.metadata?.deletionTimestamp || !this.waitIfNotExpired(key, fresh)) return;
    try {
      await this.config.client.delete(JOBS, { namespace: fresh.metadata?.namespace, name: fresh.metadata?.name ?? '' }, { propagationPolicy: 'Foreground', preconditions: { uid: fresh.metadata?.uid } });
      this.config.log.info({ resource: 'jobs', job: key, reason: 'TTLExpired' }, 'deleting finished Job past its TTL');
    } catch (error) {
      if (error instanceof StatusError && (error.status.code === 404 || error.status.code === 409)) return;
      throw error;
    }
  }

  /** True when the Job's TTL has run out; otherwise looks again when it will have. */
  private waitIfNotExpired(key: string, job: JobObject): boolean {
    const at = expiresAt(job);
    if (at === undefined) return false;
    const now = this.config.clock.now();
    if (at <= now) return true;
    this.workers.queue.addAfter(key, at - now + 1);
    return false;
  }
}
