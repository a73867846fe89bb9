// Job rows: the job's state (from its conditions), completions, how long it ran, and, wide, its
// containers and selector.
import type { Job, JobCondition } from 'kubernetes-types/batch/v1.js';
import type { KubeObject } from '../object.js';
import { ageColumn, column, containersColumn, imagesColumn, nameColumn, wide } from './columns.js';
import { humanDuration, parseTimestamp, timestampSince } from './duration.js';
import { containerCells, formatLabelSelector } from './format.js';
import type { Printer } from './types.js';

/** Whether the first condition of the type is True (later duplicates do not count, as in Kubernetes). */
function hasCondition(conditions: readonly JobCondition[] | undefined, type: string): boolean {
  const found = (conditions ?? []).find((c) => c.type === type);
  return found?.status === 'True';
}

function jobState(job: Job): string {
  const conditions = job.status?.conditions;
  if (hasCondition(conditions, 'Complete')) return 'Complete';
  if (hasCondition(conditions, 'Failed')) return 'Failed';
  if (job.metadata?.deletionTimestamp) return 'Terminating';
  if (hasCondition(conditions, 'Suspended')) return 'Suspended';
  if (hasCondition(conditions, 'FailureTarget')) return 'FailureTarget';
  if (hasCondition(conditions, 'SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  return 'Running';
}

function completions(job: Job): string {
  const succeeded = job.status?.succeeded ?? 0;
  if (job.spec?.completions !== undefined && job.spec.completions !== null) return `${succeeded}/${job.spec.completions}`;
  const parallelism = job.spec?.parallelism ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function jobDuration(job: Job, now: Date): string {
  const start = parseTimestamp(job.status?.startTime);
  if (start === undefined) return '';
  const end = parseTimestamp(job.status?.completionTime) ?? now.getTime();
  return humanDuration(end - start);
}

export const jobPrinter: Printer = {
  columns: [
    nameColumn,
    column('Status', 'string', 'Status of the job.'),
    column('Completions', 'string', 'The desired number of successfully finished pods the job should be run with.'),
    column('Duration', 'string', 'Time required to complete the job.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    wide('Selector', 'string', 'A label query over pods that should match the pod count.'),
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    const job = obj as Job;
    const [names, images] = containerCells(job.spec?.template?.spec?.containers);
    return [
      job.metadata?.name ?? '',
      jobState(job),
      completions(job),
      jobDuration(job, now),
      timestampSince(job.metadata?.creationTimestamp, now),
      names,
      images,
      formatLabelSelector(job.spec?.selector),
    ];
  },
};
