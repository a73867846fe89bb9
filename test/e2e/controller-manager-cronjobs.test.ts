// CronJobs through a real apiserver, with the CronJob controller in this process on a clock the
// test moves (a minute schedule in well under a minute of test time): each scheduled minute makes
// one Job NAME-<minutes> owned by the CronJob with status.active and lastScheduleTime; finished
// Jobs beyond successfulJobsHistoryLimit are deleted; Forbid skips a minute while a Job runs and
// Replace deletes the running Job for the new one.
import type { CronJob, Job } from 'kubernetes-types/batch/v1.js';
import { Registry } from 'prom-client';
import t from 'tap';
import { findResource } from '../../lib/api/resources.js';
import { HttpBus } from '../../lib/bus/http-bus.js';
import { FakeClock, realClock } from '../../lib/client/clock.js';
import { EventRecorder } from '../../lib/client/event-recorder.js';
import { RestClient } from '../../lib/client/rest-client.js';
import { startApiserver } from '../../lib/launch/apiserver-process.js';
import { createLogger } from '../../lib/observe/logger.js';
import { CronJobController } from '../../services/controller-manager/cronjob/cronjob-controller.js';
import { SharedInformers } from '../../services/controller-manager/shared-informers.js';
import { until } from '../helpers/until.js';

const JOBS = findResource('batch', 'v1', 'jobs')!;
const CRON_JOBS = findResource('batch', 'v1', 'cronjobs')!;
const MINUTE = 60_000;

function cronJob(name: string, spec: Partial<NonNullable<CronJob['spec']>> = {}): CronJob {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace: 'default' },
    spec: {
      schedule: '* * * * *',
      jobTemplate: { metadata: { labels: { cron: name } }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } },
      ...spec,
    },
  };
}

t.test('CronJobs', async (t) => {
  const apiserver = await startApiserver();
  t.teardown(() => apiserver.stop());
  const client = RestClient.fromKubeconfig(apiserver.kubeconfig);
  t.teardown(() => client.close());
  const log = createLogger('cronjob-test', 'warn');
  const clock = new FakeClock(Date.now());
  const informers = new SharedInformers({ client, bus: new HttpBus(client), clock: realClock, log });
  const events = new EventRecorder({ client, clock: realClock, identity: 'test', metrics: new Registry(), metricPrefix: 'test', log });
  const controller = new CronJobController({ informers, client, workers: 2, clock, metrics: new Registry(), log, events });
  informers.start();
  t.ok(await informers.waitForSync(10_000), 'caches synced');
  controller.run();
  t.teardown(async () => {
    await controller.stop();
    await informers.stop();
  });

  const jobsOf = async (name: string): Promise<Job[]> => (await client.list<Job>(JOBS, { namespace: 'default', labelSelector: `cron=${name}` })).items.filter((j) => !j.metadata?.deletionTimestamp).sort((a, b) => a.metadata!.name!.localeCompare(b.metadata!.name!));
  const getCronJob = (name: string): Promise<CronJob> => client.get<CronJob>(CRON_JOBS, { namespace: 'default', name });
  /** To one second past the next minute; returns that minute (ms). */
  const nextMinute = async (): Promise<number> => {
    const minute = Math.floor(clock.now() / MINUTE) * MINUTE + MINUTE;
    await clock.advance(minute + 1000 - clock.now());
    return minute;
  };
  const finish = async (job: Job, type: 'Complete' | 'Failed'): Promise<void> => {
    const now = new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const interim = type === 'Complete' ? 'SuccessCriteriaMet' : 'FailureTarget';
    const conditions = [interim, type].map((c) => ({ type: c, status: 'True', reason: type === 'Complete' ? 'CompletionsReached' : 'BackoffLimitExceeded', message: 'done', lastProbeTime: now, lastTransitionTime: now }));
    await client.patch(JOBS, { namespace: 'default', name: job.metadata?.name ?? '', subresource: 'status' }, { status: { startTime: now, ...(type === 'Complete' ? { completionTime: now, succeeded: 1 } : { failed: 1 }), conditions } }, 'merge');
  };

  await t.test('every minute one Job NAME-<minutes>; finished Jobs beyond the history limit are deleted', async (t) => {
    const cj = await client.create<CronJob>(CRON_JOBS, cronJob('tick', { successfulJobsHistoryLimit: 1 }));
    const first = await nextMinute();
    t.ok(await until(async () => (await jobsOf('tick')).length === 1, 10_000), 'a Job at the first minute');
    const [job] = await jobsOf('tick');
    t.equal(job?.metadata?.name, `tick-${first / MINUTE}`);
    t.match(job?.metadata?.ownerReferences, [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'tick', uid: cj.metadata?.uid, controller: true }]);
    t.equal(job?.metadata?.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'], new Date(first).toISOString().replace(/\.\d{3}Z$/, 'Z'));
    t.ok(await until(async () => (await getCronJob('tick')).status?.active?.length === 1, 10_000), 'status.active lists it');
    const status = (await getCronJob('tick')).status;
    t.match(status, { active: [{ kind: 'Job', name: `tick-${first / MINUTE}`, uid: job?.metadata?.uid }], lastScheduleTime: new Date(first).toISOString().replace(/\.\d{3}Z$/, 'Z') });

    await finish(job!, 'Complete');
    t.ok(await until(async () => !(await getCronJob('tick')).status?.active, 10_000), 'a finished Job leaves status.active');
    t.ok((await getCronJob('tick')).status?.lastSuccessfulTime, 'lastSuccessfulTime set');
    const second = await nextMinute();
    t.ok(await until(async () => (await jobsOf('tick')).some((j) => j.metadata?.name === `tick-${second / MINUTE}`), 10_000), 'a Job at the second minute');
    await finish((await jobsOf('tick')).find((j) => j.metadata?.name === `tick-${second / MINUTE}`)!, 'Complete');
    t.ok(await until(async () => (await jobsOf('tick')).map((j) => j.metadata?.name).join() === `tick-${second / MINUTE}`, 10_000), 'only the newest finished Job is kept');
  });

  await t.test('Forbid skips a minute while a Job runs; Replace deletes it for the new one', async (t) => {
    await client.create(CRON_JOBS, cronJob('forbid', { concurrencyPolicy: 'Forbid' }));
    await client.create(CRON_JOBS, cronJob('replace', { concurrencyPolicy: 'Replace' }));
    await nextMinute();
    t.ok(await until(async () => (await jobsOf('forbid')).length === 1 && (await jobsOf('replace')).length === 1, 10_000), 'one Job each');
    const running = (await jobsOf('forbid'))[0]?.metadata?.name;
    await until(async () => (await getCronJob('forbid')).status?.active?.length === 1 && (await getCronJob('replace')).status?.active?.length === 1, 10_000);
    const second = await nextMinute();
    t.ok(await until(async () => (await jobsOf('replace')).map((j) => j.metadata?.name).join() === `replace-${second / MINUTE}`, 10_000), 'Replace: the running Job gave way to the new one');
    t.same((await jobsOf('forbid')).map((j) => j.metadata?.name), [running], 'Forbid: no second Job while the first runs');
  });
});
