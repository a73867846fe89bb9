// CronJob rows: schedule, time zone, whether it is suspended, its active jobs and when it last ran.
import type { CronJob } from 'kubernetes-types/batch/v1.js';
import type { KubeObject } from '../object.js';
import { ageColumn, column, containersColumn, imagesColumn, nameColumn, wide } from './columns.js';
import { timestampSince } from './duration.js';
import { containerCells, formatLabelSelector } from './format.js';
import type { Printer } from './types.js';

/** Go's printBoolPtr: "True", "False" or "<unset>". */
function boolCell(value: boolean | undefined | null): string {
  if (value === undefined || value === null) return '<unset>';
  return value ? 'True' : 'False';
}

export const cronJobPrinter: Printer = {
  columns: [
    nameColumn,
    column('Schedule', 'string', 'The schedule in Cron format.'),
    column('Timezone', 'string', 'The time zone name for the given schedule.'),
    column('Suspend', 'boolean', 'Whether the controller suspends subsequent executions.'),
    column('Active', 'integer', 'The number of currently running jobs.'),
    column('Last Schedule', 'string', 'When the job was last successfully scheduled.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    wide('Selector', 'string', 'A label query over pods that should match the pod count.'),
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    const cronJob = obj as CronJob;
    const jobSpec = cronJob.spec?.jobTemplate?.spec;
    const [names, images] = containerCells(jobSpec?.template?.spec?.containers);
    const last = cronJob.status?.lastScheduleTime;
    return [
      cronJob.metadata?.name ?? '',
      cronJob.spec?.schedule ?? '',
      cronJob.spec?.timeZone ?? '<none>',
      boolCell(cronJob.spec?.suspend),
      (cronJob.status?.active ?? []).length,
      last ? timestampSince(last, now) : '<none>',
      timestampSince(cronJob.metadata?.creationTimestamp, now),
      names,
      images,
      formatLabelSelector(jobSpec?.selector),
    ];
  },
};
