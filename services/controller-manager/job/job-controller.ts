// The Job controller (k8s.io/kubernetes/pkg/controller/job): runs a batch/v1 Job's pods until
// `completions` succeed (NonIndexed, or Indexed with one pod per completion index) with at most
// `parallelism` active, and fails it past `backoffLimit`, `activeDeadlineSeconds` or a FailJob rule
// of its podFailurePolicy. Pods carry the batch.kubernetes.io/job-tracking finalizer: a finished pod
// is first listed in status.uncountedTerminatedPods, then its finalizer is removed, then it moves
// to status.succeeded or status.failed — so a pod removed early is still counted once. The
// conditions are written as Kubernetes 1.36 does: the interim SuccessCriteriaMet or FailureTarget
// first, Complete or Failed once no pod of the Job is left running or tracked. Failed pods are
// replaced after an exponential back-off (10 s, doubled per failure since the last success).
import type { Job, JobCondition, JobStatus } from 'kubernetes-types/batch/v1.js';
import type { EnvVar, Pod, PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../../lib/api/object.js';
import { findResource } from '../../../lib/api/resources.js';
import { labelSelectorFromObject } from '../../../lib/api/selectors/label-selector-object.js';
import type { LabelSelector } from '../../../lib/api/selectors/label-selector.js';
import { StatusError } from '../../../lib/api/status.js';
import type { Informer } from '../../../lib/client/informer.js';
import { objectKey } from '../../../lib/client/paths.js';
import { isNamespaceTerminating } from '../api-errors.js';
import type { ControllerContext } from '../controller-context.js';
import { claimObjects, controllerRefOf, controllerRefTo } from '../controller-ref.js';
import { Expectations } from '../expectations.js';
import { isPodReady, isPodTerminal, isPodTerminating } from '../pod-conditions.js';
import { PodControl, PODS, type PodObject } from '../pod-control.js';
import { QueueWorkers, controllerQueue } from '../queue-workers.js';
import { slowStartBatch, SLOW_START_INITIAL_BATCH } from '../replica-set.js';
import { claimCandidates } from '../shared-informers.js';
import { updateStatus } from '../status-writer.js';
import { formatIndexes, parseIndexes } from './completed-indexes.js';
import { PodFailureBackoff } from './pod-failure-backoff.js';
import { matchPodFailurePolicy } from './pod-failure-policy.js';

export const JOBS = findResource('batch', 'v1', 'jobs')!;
export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';
export const COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';
const COMPLETION_INDEX_ENV = 'JOB_COMPLETION_INDEX';
const COMPONENT = 'job-controller';
/** kube-controller-manager's job BurstReplicas-like cap on creations per sync. */
const MAX_POD_CREATE_DELETE_PER_SYNC = 500;

export type JobObject = Job & KubeObject;

type Finished = { type: 'SuccessCriteriaMet' | 'FailureTarget'; reason: string; message: string };

function now(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function condition(job: Job, type: string): JobCondition | undefined {
  return job.status?.conditions?.find((c) => c.type === type && c.status === 'True');
}

/** True once the Job has its final Complete or Failed condition. */
export function isJobFinished(job: Job): boolean {
  return Boolean(condition(job, 'Complete') ?? condition(job, 'Failed'));
}

function hasFinalizer(pod: Pod): boolean {
  return pod.metadata?.finalizers?.includes(JOB_TRACKING_FINALIZER) ?? false;
}

/** Finished for the Job's count: Succeeded or Failed, or deleted before it succeeded. */
function podOutcome(pod: Pod): 'succeeded' | 'failed' | undefined {
  if (pod.status?.phase === 'Succeeded') return 'succeeded';
  if (pod.status?.phase === 'Failed' || isPodTerminating(pod)) return 'failed';
  return undefined;
}

function completionIndexOf(pod: Pod, completions: number): number | undefined {
  const text = pod.metadata?.annotations?.[COMPLETION_INDEX] ?? pod.metadata?.labels?.[COMPLETION_INDEX];
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  const index = Number(text);
  return index < completions ? index : undefined;
}

function withIndexEnv(env: EnvVar[] | undefined): EnvVar[] {
  const list = env ?? [];
  if (list.some((e) => e.name === COMPLETION_INDEX_ENV)) return list;
  return [...list, { name: COMPLETION_INDEX_ENV, valueFrom: { fieldRef: { fieldPath: `metadata.labels['${COMPLETION_INDEX}']` } } }];
}

/** The pod template of one completion index: annotation, label, hostname and env as Kubernetes sets them. */
function indexedTemplate(job: Job, base: PodTemplateSpec, index: number): PodTemplateSpec {
  const template = structuredClone(base);
  const meta = (template.metadata ??= {});
  meta.annotations = { ...meta.annotations, [COMPLETION_INDEX]: String(index) };
  meta.labels = { ...meta.labels, [COMPLETION_INDEX]: String(index) };
  if (template.spec) {
    template.spec.hostname = `${job.metadata?.name}-${index}`;
    template.spec.containers = template.spec.containers.map((c) => ({ ...c, env: withIndexEnv(c.env) }));
    if (template.spec.initContainers) template.spec.initContainers = template.spec.initContainers.map((c) => ({ ...c, env: withIndexEnv(c.env) }));
  }
  return template;
}

export class JobController {
  private readonly jobs: Informer<JobObject>;
  private readonly pods: Informer<PodObject>;
  private readonly expectations: Expectations;
  private readonly podControl: PodControl;
  private readonly workers: QueueWorkers;
  /** Pods whose Job is gone or finished and that still carry the tracking finalizer. */
  private readonly orphans: QueueWorkers;
  /** Per Job, uids of pods whose finalizer this controller removed and the cache may still show. */
  private readonly untracked = new Map<string, Set<string>>();
  private readonly backoff = new PodFailureBackoff();

  constructor(private readonly config: ControllerContext) {
    this.jobs = config.informers.informerFor<JobObject>(JOBS);
    this.pods = config.informers.informerFor<PodObject>(PODS);
    this.expectations = new Expectations(config.clock);
    this.podControl = new PodControl(config.client);
    this.workers = controllerQueue(config, 'job', (key) => this.sync(key));
    this.orphans = controllerQueue(config, 'job_orphan_pod', (key) => this.syncOrphanPod(key), 1);
    this.jobs.addEventHandler({
      onAdd: (job) => this.enqueue(job),
      onUpdate: (_before, after) => this.enqueue(after),
      onDelete: (job) => {
        this.expectations.delete(objectKey(job));
        this.enqueue(job);
        for (const pod of this.pods.indexer.byIndex('owner-uid', job.metadata?.uid ?? '')) if (hasFinalizer(pod)) this.orphans.queue.add(objectKey(pod));
      },
    });
    this.pods.addEventHandler({
      onAdd: (pod) => this.podChanged(pod, true),
      onUpdate: (before, after) => {
        if (before.metadata?.resourceVersion !== after.metadata?.resourceVersion) this.podChanged(after, false, before);
      },
      onDelete: (pod) => this.podGone(pod),
    });
  }

  run(): void {
    this.workers.run();
    this.orphans.run();
  }

  async stop(): Promise<void> {
    await Promise.all([this.workers.stop(), this.orphans.stop()]);
  }

  private enqueue(obj: { metadata?: { namespace?: string; name?: string } }): void {
    this.workers.queue.add(objectKey(obj));
  }

  private ownerOf(pod: Pod): JobObject | undefined {
    const ref = controllerRefOf(pod);
    if (!ref || ref.kind !== 'Job') return undefined;
    const job = this.jobs.indexer.get(`${pod.metadata?.namespace}/${ref.name}`);
    return job?.metadata?.uid === ref.uid ? job : undefined;
  }

  private podChanged(pod: Pod, added: boolean, before?: Pod): void {
    const job = this.ownerOf(pod);
    if (!hasFinalizer(pod)) this.forgetUntracked(pod);
    if (!job) {
      if (hasFinalizer(pod) && controllerRefOf(pod)?.kind === 'Job' && this.jobs.hasSynced()) this.orphans.queue.add(objectKey(pod));
      return;
    }
    const key = objectKey(job);
    if (added && !isPodTerminating(pod)) this.expectations.creationObserved(key);
    if (isPodTerminating(pod) && !(before && isPodTerminating(before))) this.expectations.deletionObserved(key, objectKey(pod));
    this.enqueue(job);
  }

  private podGone(pod: Pod): void {
    this.forgetUntracked(pod);
    const job = this.ownerOf(pod);
    if (!job) return;
    this.expectations.deletionObserved(objectKey(job), objectKey(pod));
    this.enqueue(job);
  }

  private forgetUntracked(pod: Pod): void {
    const ref = controllerRefOf(pod);
    if (!ref) return;
    const key = `${pod.metadata?.namespace}/${ref.name}`;
    const set = this.untracked.get(key);
    set?.delete(pod.metadata?.uid ?? '');
    if (set?.size === 0) this.untracked.delete(key);
  }

  /** Still tracked by the finalizer, as far as this controller knows. */
  private tracked(key: string, pod: Pod): boolean {
    return hasFinalizer(pod) && !this.untracked.get(key)?.has(pod.metadata?.uid ?? '');
  }

  private event(job: Job, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.config.events.record({ apiVersion: 'batch/v1', kind: 'Job', metadata: job.metadata }, COMPONENT, type, reason, 'Sync', message);
  }

  /** Removes the tracking finalizer from a pod whose Job is gone or finished. */
  private async syncOrphanPod(key: string): Promise<void> {
    const pod = this.pods.indexer.get(key);
    if (!pod || !hasFinalizer(pod)) return;
    const job = this.ownerOf(pod);
    if (job && !isJobFinished(job)) return;
    await this.removeFinalizer(pod);
  }

  private async removeFinalizer(pod: Pod): Promise<void> {
    const { namespace, name, resourceVersion } = pod.metadata ?? {};
    const finalizers = (pod.metadata?.finalizers ?? []).filter((f) => f !== JOB_TRACKING_FINALIZER);
    try {
      await this.config.client.patch(PODS, { namespace, name: name ?? '' }, { metadata: { finalizers: finalizers.length ? finalizers : null, resourceVersion } }, 'merge');
    } catch (error) {
      if (error instanceof StatusError && error.status.code === 404) return;
      throw error;
    }
  }

  async sync(key: string): Promise<void> {
    const cached = this.jobs.indexer.get(key);
    if (!cached) {
      this.expectations.delete(key);
      this.untracked.delete(key);
      this.backoff.delete(key);
      return;
    }
    const job = structuredClone(cached);
    const spec = job.spec!;
    let selector: LabelSelector;
    try {
      selector = labelSelectorFromObject(spec.selector as Parameters<typeof labelSelectorFromObject>[0]);
    } catch (error) {
      this.config.log.warn({ key, err: (error as Error).message }, 'invalid selector');
      return;
    }
    const satisfied = this.expectations.satisfied(key);
    const pods = await claimObjects(this.config.client, { owner: job, ownerApiVersion: 'batch/v1', ownerKind: 'Job', selector, resource: PODS }, claimCandidates(this.pods, job));
    if (isJobFinished(job)) {
      await Promise.all(pods.filter(hasFinalizer).map((p) => this.removeFinalizer(p)));
      return;
    }
    const nowMs = this.config.clock.now();
    const indexed = spec.completionMode === 'Indexed';
    const completions = spec.completions ?? undefined;
    const backoffLimit = spec.backoffLimit ?? 6;
    const status: JobStatus = structuredClone(job.status ?? {});
    const uncounted = { succeeded: [...(status.uncountedTerminatedPods?.succeeded ?? [])], failed: [...(status.uncountedTerminatedPods?.failed ?? [])] };
    const listed = new Set([...uncounted.succeeded, ...uncounted.failed]);

    // Finished pods still tracked by the finalizer join uncountedTerminatedPods.
    let failJobMessage: string | undefined;
    const newlyFinished: { succeeded: Pod[]; failed: Pod[] } = { succeeded: [], failed: [] };
    const succeededIndexes = indexed && completions !== undefined ? parseIndexes(status.completedIndexes, completions) : new Set<number>();
    for (const pod of pods) {
      const outcome = podOutcome(pod);
      if (!outcome) continue;
      if (outcome === 'succeeded' && indexed && completions !== undefined) {
        const index = completionIndexOf(pod, completions);
        if (index !== undefined) succeededIndexes.add(index);
      }
      if (!this.tracked(key, pod)) continue;
      const uid = pod.metadata?.uid ?? '';
      if (listed.has(uid)) continue;
      if (outcome === 'failed' && isPodTerminal(pod)) {
        const verdict = matchPodFailurePolicy(spec, pod);
        failJobMessage ??= verdict.failJobMessage;
        if (!verdict.counts) continue;
      }
      uncounted[outcome].push(uid);
      listed.add(uid);
      newlyFinished[outcome].push(pod);
    }
    this.backoff.observe(key, newlyFinished.succeeded, newlyFinished.failed);
    const active = pods.filter((p) => !isPodTerminal(p) && !isPodTerminating(p));
    const succeeded = indexed ? succeededIndexes.size : (status.succeeded ?? 0) + uncounted.succeeded.length;
    const failed = (status.failed ?? 0) + uncounted.failed.length;
    if (!status.startTime && !spec.suspend) status.startTime = now(nowMs);

    let finished: Finished | undefined;
    const interim = condition(job, 'SuccessCriteriaMet') ?? condition(job, 'FailureTarget');
    if (interim) finished = { type: interim.type as Finished['type'], reason: interim.reason ?? '', message: interim.message ?? '' };
    else if (failJobMessage) finished = { type: 'FailureTarget', reason: 'PodFailurePolicy', message: failJobMessage };
    else if (failed > backoffLimit) finished = { type: 'FailureTarget', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
    else if (spec.activeDeadlineSeconds != null && status.startTime && !spec.suspend) {
      const deadline = Date.parse(status.startTime) + spec.activeDeadlineSeconds * 1000;
      if (nowMs >= deadline) finished = { type: 'FailureTarget', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };
      else this.workers.queue.addAfter(key, deadline - nowMs + 1);
    }
    if (!finished) {
      const complete = completions !== undefined ? succeeded >= completions : succeeded > 0 && active.length === 0;
      if (complete) finished = { type: 'SuccessCriteriaMet', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' };
    }

    let manageError: Error | undefined;
    let remaining = active;
    if (finished) {
      // Pods still running are stopped; a failing Job counts them as failed once they end.
      if (active.length > 0 && satisfied) await this.deletePods(key, job, active);
    } else if (satisfied && !job.metadata?.deletionTimestamp) {
      try {
        remaining = await this.manage(key, job, active, succeeded, succeededIndexes);
      } catch (error) {
        manageError = error as Error;
      }
    }
    this.setSuspendedCondition(job, status, nowMs);

    // First write: the newly finished pods and the interim condition, before any finalizer goes.
    status.active = remaining.length;
    status.ready = remaining.filter(isPodReady).length;
    status.terminating = pods.filter((p) => isPodTerminating(p) && !isPodTerminal(p)).length;
    if (indexed) status.completedIndexes = formatIndexes(succeededIndexes);
    status.uncountedTerminatedPods = { ...(uncounted.succeeded.length ? { succeeded: uncounted.succeeded } : {}), ...(uncounted.failed.length ? { failed: uncounted.failed } : {}) };
    if (finished && !interim) status.conditions = [...(status.conditions ?? []), this.newCondition(finished.type, finished.reason, finished.message, nowMs)];
    let written = await updateStatus(this.config.client, JOBS, job, status, statusUnchanged);

    // Then the finalizers of the listed pods, then the counters.
    // Listed pods, and failed ones an Ignore rule leaves uncounted.
    const release = pods.filter((p) => this.tracked(key, p) && (listed.has(p.metadata?.uid ?? '') || isPodTerminal(p)));
    if (release.length > 0) {
      await Promise.all(release.map((p) => this.removeFinalizer(p)));
      const set = this.untracked.get(key) ?? new Set<string>();
      for (const p of release) set.add(p.metadata?.uid ?? '');
      this.untracked.set(key, set);
    }
    const next: JobStatus = structuredClone(written.status ?? {});
    if (uncounted.succeeded.length || uncounted.failed.length) {
      if (!indexed) next.succeeded = (next.succeeded ?? 0) + uncounted.succeeded.length;
      else next.succeeded = succeededIndexes.size;
      next.failed = (next.failed ?? 0) + uncounted.failed.length;
      next.uncountedTerminatedPods = {};
    } else if (indexed) next.succeeded = succeededIndexes.size;
    // Finished once nothing of the Job runs or is tracked any more.
    const stillRunning = finished ? pods.some((p) => !isPodTerminal(p) && (this.tracked(key, p) || !isPodTerminating(p))) : true;
    if (finished && !stillRunning) {
      const finalType = finished.type === 'SuccessCriteriaMet' ? 'Complete' : 'Failed';
      next.conditions = [...(next.conditions ?? []), this.newCondition(finalType, finished.reason, finished.message, nowMs)];
      if (finalType === 'Complete') {
        next.completionTime = now(nowMs);
        this.event(job, 'Normal', 'Completed', 'Job completed');
      } else this.event(job, 'Warning', finished.reason, finished.message);
      next.active = 0;
      next.ready = 0;
    }
    written = await updateStatus(this.config.client, JOBS, written, next, statusUnchanged);
    if (manageError) throw manageError;
  }

  private newCondition(type: string, reason: string, message: string, nowMs: number): JobCondition {
    return { type, status: 'True', lastProbeTime: now(nowMs), lastTransitionTime: now(nowMs), reason, message };
  }

  /** The Suspended condition: True (JobSuspended) while spec.suspend, False (JobResumed) after. */
  private setSuspendedCondition(job: Job, status: JobStatus, nowMs: number): void {
    const existing = status.conditions?.find((c) => c.type === 'Suspended');
    if (job.spec?.suspend) {
      if (existing?.status === 'True') return;
      status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== 'Suspended'), { type: 'Suspended', status: 'True', lastProbeTime: now(nowMs), lastTransitionTime: now(nowMs), reason: 'JobSuspended', message: 'Job suspended' }];
      this.event(job, 'Normal', 'Suspended', 'Job suspended');
    } else if (existing?.status === 'True') {
      status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== 'Suspended'), { type: 'Suspended', status: 'False', lastProbeTime: now(nowMs), lastTransitionTime: now(nowMs), reason: 'JobResumed', message: 'Job resumed' }];
      // A resumed Job's deadline counts from now.
      status.startTime = now(nowMs);
      this.event(job, 'Normal', 'Resumed', 'Job resumed');
    }
  }

  /** Creates or deletes pods toward the wanted number of active pods; returns the pods left active. */
  private async manage(key: string, job: JobObject, active: PodObject[], succeeded: number, succeededIndexes: Set<number>): Promise<PodObject[]> {
    const spec = job.spec!;
    if (spec.suspend) {
      if (active.length > 0) await this.deletePods(key, job, active);
      return [];
    }
    const parallelism = spec.parallelism ?? 1;
    const completions = spec.completions ?? undefined;
    let wanted: number;
    if (completions === undefined) wanted = succeeded > 0 ? Math.min(active.length, parallelism) : parallelism;
    else wanted = Math.max(0, Math.min(parallelism, completions - succeeded));
    const indexed = spec.completionMode === 'Indexed' && completions !== undefined;
    if (active.length > wanted) {
      const victims = [...active].sort((a, b) => Number(isPodReady(a)) - Number(isPodReady(b)) || String(b.metadata?.creationTimestamp).localeCompare(String(a.metadata?.creationTimestamp))).slice(0, active.length - wanted);
      await this.deletePods(key, job, victims);
      return active.filter((p) => !victims.includes(p));
    }
    if (active.length === wanted) return active;
    let indexes: number[] = [];
    if (indexed) {
      const running = new Set(active.map((p) => completionIndexOf(p, completions)));
      for (let i = 0; i < completions && indexes.length < wanted - active.length; i++) if (!succeededIndexes.has(i) && !running.has(i)) indexes.push(i);
    }
    const count = Math.min(indexed ? indexes.length : wanted - active.length, MAX_POD_CREATE_DELETE_PER_SYNC);
    if (count === 0) return active;
    // Replacements of failed pods wait out the back-off.
    const wait = this.backoff.remainingMs(key, this.config.clock.now());
    if (wait > 0) {
      this.workers.queue.addAfter(key, wait + 1);
      return active;
    }
    const base = structuredClone(spec.template);
    base.metadata = { ...base.metadata, finalizers: [...(base.metadata?.finalizers ?? []), JOB_TRACKING_FINALIZER] };
    const ref = controllerRefTo(job, 'batch/v1', 'Job');
    const namespace = job.metadata?.namespace ?? '';
    const name = job.metadata?.name ?? '';
    this.expectations.expectCreations(key, count);
    const { created, error } = await slowStartBatch(count, SLOW_START_INITIAL_BATCH, async () => {
      const index = indexed ? indexes.shift() : undefined;
      const template = index === undefined ? base : indexedTemplate(job, base, index);
      try {
        const pod = await this.podControl.create(template, namespace, index === undefined ? name : `${name}-${index}`, ref);
        this.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata?.name}`);
      } catch (err) {
        if (isNamespaceTerminating(err)) return;
        this.event(job, 'Warning', 'FailedCreate', `Error creating: ${(err as Error).message}`);
        throw err;
      }
    });
    for (let skipped = count - created; skipped > 0; skipped--) this.expectations.creationObserved(key);
    if (error) throw error;
    return active;
  }

  private async deletePods(key: string, job: Job, victims: Pod[]): Promise<void> {
    const keys = victims.map((p) => objectKey(p));
    this.expectations.expectDeletions(key, keys);
    const namespace = job.metadata?.namespace ?? '';
    const results = await Promise.allSettled(victims.map((p) => this.podControl.delete(namespace, p.metadata?.name ?? '')));
    results.forEach((result, i) => {
      if (result.status === 'rejected') {
        this.expectations.deletionObserved(key, keys[i]!);
        this.event(job, 'Warning', 'FailedDelete', `Error deleting: ${(result.reason as Error).message}`);
      } else this.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${victims[i]!.metadata?.name}`);
    });
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) throw failure.reason as Error;
  }
}

function statusUnchanged(before: JobStatus | undefined, after: JobStatus): boolean {
  return JSON.stringify(normalize(before ?? {})) === JSON.stringify(normalize(after));
}

function normalize(status: JobStatus): JobStatus {
  const out: JobStatus = { ...status };
  for (const key of ['active', 'ready', 'succeeded', 'failed', 'terminating'] as const) if (!out[key]) delete out[key];
  if (out.uncountedTerminatedPods && !out.uncountedTerminatedPods.succeeded?.length && !out.uncountedTerminatedPods.failed?.length) delete out.uncountedTerminatedPods;
  if (!out.completedIndexes) delete out.completedIndexes;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b))) as JobStatus;
}
