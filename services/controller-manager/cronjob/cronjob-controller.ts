// The CronJob controller (k8s.io/kubernetes/pkg/controller/cronjob, v2): at each time its schedule
// names, a CronJob makes a Job from its jobTemplate, named NAME-<scheduled time in minutes since
// the epoch> (so a time is never run twice), owned by the CronJob and annotated
// batch.kubernetes.io/cronjob-scheduled-timestamp. concurrencyPolicy Allow runs Jobs side by
// side, Forbid skips a time while one runs (JobAlreadyActive), Replace deletes the running ones
// first. A time older than startingDeadlineSeconds is missed (MissSchedule). Finished Jobs beyond
// successfulJobsHistoryLimit (3) and failedJobsHistoryLimit (1) are deleted, oldest first. Status:
// active (references to the running Jobs), lastScheduleTime, lastSuccessfulTime. The key is
// queued again for the next scheduled time.
import type { CronJob, CronJobStatus, Job } from 'kubernetes-types/batch/v1.js';
import type { ObjectReference } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../../lib/api/object.js';
import { findResource } from '../../../lib/api/resources.js';
import { StatusError } from '../../../lib/api/status.js';
import type { Informer } from '../../../lib/client/informer.js';
import { objectKey } from '../../../lib/client/paths.js';
import type { ControllerContext } from '../controller-context.js';
import { controllerRefOf, controllerRefTo } from '../controller-ref.js';
import { JOBS, type JobObject } from '../job/job-controller.js';
import { QueueController, QueueWorkers, controllerQueue } from '../queue-workers.js';
import { OWNER_UID_INDEX } from '../shared-informers.js';
import { updateStatus } from '../status-writer.js';
import { parseSchedule, type Schedule } from './schedule.js';

export const CRON_JOBS = findResource('batch', 'v1', 'cronjobs')!;
export const SCHEDULED_TIMESTAMP = 'batch.kubernetes.io/cronjob-scheduled-timestamp';
const COMPONENT = 'cronjob-controller';
/** Kubernetes gives up counting missed times past this many (TooManyMissedTimes). */
const MAX_MISSED = 100;
/** Kubernetes' nextScheduleDelta: a key comes back this long after its time. */
const NEXT_SCHEDULE_DELTA_MS = 100;

export type CronJobObject = CronJob & KubeObject;

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Complete or Failed (True), or undefined while the Job runs. */
function finishedAs(job: Job): 'Complete' | 'Failed' | undefined {
  const c = job.status?.conditions?.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
  return c?.type as 'Complete' | 'Failed' | undefined;
}

function startOf(job: Job): number {
  return Date.parse(job.status?.startTime ?? job.metadata?.creationTimestamp ?? '') || 0;
}

function refTo(job: Job): ObjectReference {
  const { name, namespace, uid, resourceVersion } = job.metadata ?? {};
  return { apiVersion: 'batch/v1', kind: 'Job', name, namespace, uid, resourceVersion };
}

export class CronJobController extends QueueController {
  private readonly cronJobs: Informer<CronJobObject>;
  private readonly jobs: Informer<JobObject>;
  protected readonly workers: QueueWorkers;

  constructor(private readonly config: ControllerContext) {
    super();
    this.cronJobs = config.informers.informerFor<CronJobObject>(CRON_JOBS);
    this.jobs = config.informers.informerFor<JobObject>(JOBS);
    this.workers = controllerQueue(config, 'cronjob', (key) => this.sync(key));
    this.cronJobs.addEventHandler({
      onAdd: (cj) => this.enqueue(cj),
      onUpdate: (_before, after) => this.enqueue(after),
      onDelete: (cj) => this.enqueue(cj),
    });
    const jobChanged = (job: Job): void => {
      const ref = controllerRefOf(job);
      if (ref?.kind === 'CronJob') this.workers.queue.add(`${job.metadata?.namespace}/${ref.name}`);
    };
    this.jobs.addEventHandler({ onAdd: jobChanged, onUpdate: (_before, after) => jobChanged(after), onDelete: jobChanged });
  }

  private enqueue(obj: { metadata?: { namespace?: string; name?: string } }): void {
    this.workers.queue.add(objectKey(obj));
  }

  private event(cj: CronJob, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.config.events.record({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: cj.metadata }, COMPONENT, type, reason, 'Sync', message);
  }

  async sync(key: string): Promise<void> {
    const cached = this.cronJobs.indexer.get(key);
    if (!cached) return;
    const cj = structuredClone(cached);
    const spec = cj.spec!;
    const uid = cj.metadata?.uid ?? '';
    const owned = this.jobs.indexer.byIndex(OWNER_UID_INDEX, uid).filter((j) => controllerRefOf(j)?.uid === uid);
    const status: CronJobStatus = structuredClone(cj.status ?? {});

    // Jobs that finished leave status.active; the newest success is lastSuccessfulTime.
    const wasActive = new Set((status.active ?? []).map((r) => r.uid));
    for (const job of owned) {
      const finished = finishedAs(job);
      if (!finished) continue;
      if (wasActive.has(job.metadata?.uid)) this.event(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${job.metadata?.name}, condition: ${finished}`);
      const completed = job.status?.completionTime;
      if (finished === 'Complete' && completed && (!status.lastSuccessfulTime || Date.parse(completed) > Date.parse(status.lastSuccessfulTime))) status.lastSuccessfulTime = completed;
    }
    let running = owned.filter((j) => !finishedAs(j) && !j.metadata?.deletionTimestamp);
    const setActive = (): void => {
      const refs = running.map(refTo).sort((a, b) => String(a.name).localeCompare(String(b.name)));
      if (refs.length > 0) status.active = refs;
      else delete status.active;
    };
    setActive();
    await this.cleanUpHistory(cj, owned);

    const nowMs = this.config.clock.now();
    let schedule: Schedule;
    try {
      schedule = parseSchedule(spec.schedule, spec.timeZone ?? 'UTC');
    } catch (error) {
      this.event(cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: ${JSON.stringify(spec.schedule)} : ${(error as Error).message}`);
      await this.writeStatus(cj, status);
      return;
    }
    if (cj.metadata?.deletionTimestamp || spec.suspend) {
      await this.writeStatus(cj, status);
      return;
    }
    const requeue = (): void => {
      const next = schedule.next(nowMs);
      if (next !== undefined) this.workers.queue.addAfter(key, next - nowMs + NEXT_SCHEDULE_DELTA_MS);
    };

    // The most recent time due since the last one run (or the CronJob's creation).
    let earliest = Date.parse(status.lastScheduleTime ?? cj.metadata?.creationTimestamp ?? '') || nowMs;
    if (spec.startingDeadlineSeconds != null) earliest = Math.max(earliest, nowMs - spec.startingDeadlineSeconds * 1000);
    let scheduled: number | undefined;
    let missed = 0;
    for (let t = schedule.next(earliest); t !== undefined && t <= nowMs; t = schedule.next(t)) {
      scheduled = t;
      if (++missed > MAX_MISSED) {
        this.event(cj, 'Warning', 'TooManyMissedTimes', 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew');
        const last = this.lastTimeBefore(schedule, t, nowMs);
        scheduled = last;
        break;
      }
    }
    if (scheduled === undefined) {
      await this.writeStatus(cj, status);
      requeue();
      return;
    }
    if (spec.startingDeadlineSeconds != null && scheduled + spec.startingDeadlineSeconds * 1000 < nowMs) {
      this.event(cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${new Date(scheduled).toUTCString()}`);
      await this.writeStatus(cj, status);
      requeue();
      return;
    }
    const jobName = `${cj.metadata?.name}-${Math.floor(scheduled / 60_000)}`;
    if (owned.some((j) => j.metadata?.name === jobName)) {
      await this.writeStatus(cj, status);
      requeue();
      return;
    }
    const policy = spec.concurrencyPolicy ?? 'Allow';
    if (policy === 'Forbid' && running.length > 0) {
      this.event(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
      await this.writeStatus(cj, status);
      requeue();
      return;
    }
    if (policy === 'Replace') {
      for (const job of running) await this.deleteJob(cj, job);
      running = [];
    }
    const created = await this.createJob(cj, jobName, scheduled);
    if (created) running.push(created);
    setActive();
    status.lastScheduleTime = rfc3339(scheduled);
    await this.writeStatus(cj, status);
    requeue();
  }

  /** The last time due at or before `nowMs`, searching on from `from`. */
  private lastTimeBefore(schedule: Schedule, from: number, nowMs: number): number {
    let last = from;
    for (let t = schedule.next(from); t !== undefined && t <= nowMs; t = schedule.next(t)) last = t;
    return last;
  }

  private async createJob(cj: CronJobObject, name: string, scheduled: number): Promise<JobObject | undefined> {
    const template = cj.spec?.jobTemplate ?? {};
    const job: Job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name,
        namespace: cj.metadata?.namespace,
        labels: { ...template.metadata?.labels },
        annotations: { ...template.metadata?.annotations, [SCHEDULED_TIMESTAMP]: rfc3339(scheduled) },
        ownerReferences: [controllerRefTo(cj, 'batch/v1', 'CronJob')],
      },
      spec: structuredClone(template.spec) as Job['spec'],
    };
    try {
      const created = await this.config.client.create<JobObject>(JOBS, job);
      this.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${name}`);
      return created;
    } catch (error) {
      if (error instanceof StatusError && error.status.code === 409) return undefined;
      this.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${(error as Error).message}`);
      throw error;
    }
  }

  private async deleteJob(cj: CronJob, job: Job): Promise<void> {
    try {
      await this.config.client.delete(JOBS, { namespace: job.metadata?.namespace, name: job.metadata?.name ?? '' }, { propagationPolicy: 'Background' });
      this.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata?.name}`);
    } catch (error) {
      if (error instanceof StatusError && error.status.code === 404) return;
      this.event(cj, 'Warning', 'FailedDelete', `Deleted job: ${(error as Error).message}`);
      throw error;
    }
  }

  /** Deletes the oldest finished Jobs beyond the history limits. */
  private async cleanUpHistory(cj: CronJob, owned: Job[]): Promise<void> {
    const limits = { Complete: cj.spec?.successfulJobsHistoryLimit ?? 3, Failed: cj.spec?.failedJobsHistoryLimit ?? 1 };
    for (const kind of ['Complete', 'Failed'] as const) {
      const finished = owned.filter((j) => finishedAs(j) === kind && !j.metadata?.deletionTimestamp).sort((a, b) => startOf(a) - startOf(b));
      for (const job of finished.slice(0, Math.max(0, finished.length - limits[kind]))) await this.deleteJob(cj, job);
    }
  }

  private async writeStatus(cj: CronJobObject, status: CronJobStatus): Promise<void> {
    await updateStatus(this.config.client, CRON_JOBS, cj, status, (before, after) => JSON.stringify(before ?? {}) === JSON.stringify(after));
  }
}
