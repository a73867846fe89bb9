// Jobs through the apiserver: the test finishes pods through the status subresource as a kubelet
// would. A Job of 3 completions and parallelism 2 never runs more than 2 pods and ends Complete
// (SuccessCriteriaMet first) with succeeded 3; failed pods are replaced (after a 10 s back-off)
// until backoffLimit, then the Job is Failed with BackoffLimitExceeded; an Indexed Job gives each pod its index;
// activeDeadlineSeconds fails a Job with DeadlineExceeded; a suspended Job runs nothing until resumed;
// a deleted Job's pods go (the controller lets go of their finalizer).
import type { Job } from 'kubernetes-types/batch/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import t from 'tap';
import { findResource } from '../../lib/api/resources.js';
import type { RestClient } from '../../lib/client/rest-client.js';
import { startControllerCluster } from '../helpers/controller-cluster.js';
import { until } from '../helpers/until.js';

const PODS = findResource('', 'v1', 'pods')!;
const JOBS = findResource('batch', 'v1', 'jobs')!;

function job(name: string, spec: Partial<NonNullable<Job['spec']>>): Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'default' },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } }, ...spec },
  };
}

function finished(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

async function podsOf(client: RestClient, name: string): Promise<Pod[]> {
  return (await client.list<Pod>(PODS, { namespace: 'default', labelSelector: `batch.kubernetes.io/job-name=${name}` })).items;
}

/** Ends a pod as its kubelet would report it. */
async function finish(client: RestClient, pod: Pod, phase: 'Succeeded' | 'Failed'): Promise<void> {
  const exitCode = phase === 'Succeeded' ? 0 : 1;
  const terminated = { exitCode, reason: phase === 'Succeeded' ? 'Completed' : 'Error', startedAt: pod.status?.startTime, finishedAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') };
  const conditions = (pod.status?.conditions ?? []).map((c) => (c.type === 'Ready' || c.type === 'ContainersReady' ? { ...c, status: 'False', reason: 'PodCompleted' } : c));
  await client.patch(PODS, { namespace: 'default', name: pod.metadata?.name ?? '', subresource: 'status' }, { status: { phase, conditions, containerStatuses: [{ name: 'c', image: 'busybox', imageID: '', ready: false, restartCount: 0, state: { terminated } }] } }, 'merge');
}

t.test('Jobs', async (t) => {
  const { client } = await startControllerCluster(t);
  const getJob = (name: string): Promise<Job> => client.get<Job>(JOBS, { namespace: 'default', name });

  await t.test('completions 3, parallelism 2: two pods at a time, then Complete with succeeded 3', async (t) => {
    const created = await client.create<Job>(JOBS, job('three', { completions: 3, parallelism: 2 }));
    let most = 0;
    for (let done = 0; done < 3; done++) {
      t.ok(await until(async () => (await podsOf(client, 'three')).filter((p) => !finished(p) && p.status?.phase === 'Running').length >= Math.min(2, 3 - done), 10_000), `pods running after ${done} completions`);
      const running = (await podsOf(client, 'three')).filter((p) => !finished(p));
      most = Math.max(most, running.length);
      await finish(client, running[0]!, 'Succeeded');
    }
    t.ok(await until(async () => Boolean((await getJob('three')).status?.completionTime), 10_000), 'completed');
    t.equal(most, 2, 'never more than parallelism pods at once');
    const done = await getJob('three');
    t.match(done.status, { succeeded: 3 });
    t.notOk(done.status?.active, 'no pod active');
    t.notOk(done.status?.failed, 'nothing failed');
    t.ok(done.status?.startTime, 'startTime set');
    t.match(done.status?.conditions, [
      { type: 'SuccessCriteriaMet', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' },
      { type: 'Complete', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' },
    ]);
    const pods = await podsOf(client, 'three');
    t.equal(pods.length, 3, 'one pod per completion');
    const uid = created.metadata?.uid;
    for (const pod of pods) {
      t.match(pod.metadata?.labels, { 'batch.kubernetes.io/controller-uid': uid, 'controller-uid': uid, 'batch.kubernetes.io/job-name': 'three', 'job-name': 'three' });
      t.match(pod.metadata?.ownerReferences, [{ apiVersion: 'batch/v1', kind: 'Job', name: 'three', uid, controller: true }]);
      t.notOk(pod.metadata?.finalizers?.includes('batch.kubernetes.io/job-tracking'), 'tracking finalizer removed once counted');
    }
  });

  await t.test('failed pods are replaced (after a 10 s back-off) until backoffLimit, then the Job is Failed', async (t) => {
    await client.create<Job>(JOBS, job('flaky', { backoffLimit: 1 }));
    let failedAt = 0;
    for (let attempt = 0; attempt < 2; attempt++) {
      t.ok(await until(async () => (await podsOf(client, 'flaky')).some((p) => p.status?.phase === 'Running'), 20_000), `attempt ${attempt + 1} runs`);
      if (attempt > 0) t.ok(Date.now() - failedAt >= 9_000, `replaced after the 10 s back-off (${Date.now() - failedAt} ms)`);
      const running = (await podsOf(client, 'flaky')).find((p) => p.status?.phase === 'Running')!;
      t.ok(running.metadata?.finalizers?.includes('batch.kubernetes.io/job-tracking'), 'a running pod carries the tracking finalizer');
      failedAt = Date.now();
      await finish(client, running, 'Failed');
    }
    t.ok(await until(async () => Boolean((await getJob('flaky')).status?.conditions?.some((c) => c.type === 'Failed')), 10_000), 'Failed');
    const failed = await getJob('flaky');
    t.match(failed.status, { failed: 2 });
    t.notOk(failed.status?.active, 'no pod active');
    t.match(failed.status?.conditions, [
      { type: 'FailureTarget', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' },
      { type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' },
    ]);
    t.equal((await podsOf(client, 'flaky')).length, 2, 'no pod after the limit');
  });

  await t.test('Indexed: each pod has its completion index; completedIndexes lists them', async (t) => {
    await client.create<Job>(JOBS, job('indexed', { completions: 3, parallelism: 3, completionMode: 'Indexed' }));
    t.ok(await until(async () => (await podsOf(client, 'indexed')).filter((p) => p.status?.phase === 'Running').length === 3, 10_000), 'three pods');
    const pods = (await podsOf(client, 'indexed')).sort((a, b) => Number(a.metadata?.labels?.['batch.kubernetes.io/job-completion-index']) - Number(b.metadata?.labels?.['batch.kubernetes.io/job-completion-index']));
    pods.forEach((pod, i) => {
      t.equal(pod.metadata?.annotations?.['batch.kubernetes.io/job-completion-index'], String(i));
      t.equal(pod.metadata?.labels?.['batch.kubernetes.io/job-completion-index'], String(i));
      t.equal(pod.spec?.hostname, `indexed-${i}`);
      t.match(pod.metadata?.name, new RegExp(`^indexed-${i}-`));
      t.match(pod.spec?.containers[0]?.env, [{ name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: "metadata.labels['batch.kubernetes.io/job-completion-index']" } } }]);
    });
    await finish(client, pods[0]!, 'Succeeded');
    await finish(client, pods[2]!, 'Succeeded');
    t.ok(await until(async () => (await getJob('indexed')).status?.completedIndexes === '0,2', 10_000), 'completedIndexes 0,2');
    await finish(client, pods[1]!, 'Succeeded');
    t.ok(await until(async () => (await getJob('indexed')).status?.conditions?.some((c) => c.type === 'Complete') === true, 10_000), 'Complete');
    t.match((await getJob('indexed')).status, { succeeded: 3, completedIndexes: '0-2' });
  });

  await t.test('activeDeadlineSeconds: the running pod is stopped and the Job Failed with DeadlineExceeded', async (t) => {
    await client.create<Job>(JOBS, job('late', { activeDeadlineSeconds: 1 }));
    t.ok(await until(async () => (await podsOf(client, 'late')).some((p) => p.status?.phase === 'Running'), 10_000), 'runs');
    t.ok(await until(async () => Boolean((await getJob('late')).status?.conditions?.some((c) => c.type === 'Failed')), 10_000), 'Failed');
    const late = await getJob('late');
    t.match(late.status?.conditions, [
      { type: 'FailureTarget', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' },
      { type: 'Failed', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' },
    ]);
    t.match(late.status, { failed: 1 });
    t.ok(await until(async () => (await podsOf(client, 'late')).length === 0, 10_000), 'its pod is gone');
  });

  await t.test('suspend: no pods, the Suspended condition; resuming starts them', async (t) => {
    await client.create<Job>(JOBS, job('paused', { suspend: true }));
    t.ok(await until(async () => (await getJob('paused')).status?.conditions?.some((c) => c.type === 'Suspended' && c.status === 'True') === true, 10_000), 'Suspended');
    t.match((await getJob('paused')).status?.conditions, [{ type: 'Suspended', status: 'True', reason: 'JobSuspended', message: 'Job suspended' }]);
    t.equal((await podsOf(client, 'paused')).length, 0, 'no pod while suspended');
    await client.patch(JOBS, { namespace: 'default', name: 'paused' }, { spec: { suspend: false } });
    t.ok(await until(async () => (await podsOf(client, 'paused')).length === 1, 10_000), 'a pod once resumed');
    // The controller makes the pod, then writes the status that says so.
    t.ok(await until(async () => (await getJob('paused')).status?.conditions?.some((c) => c.type === 'Suspended' && c.status === 'False') === true, 10_000), 'resumed');
    t.match((await getJob('paused')).status?.conditions, [{ type: 'Suspended', status: 'False', reason: 'JobResumed', message: 'Job resumed' }]);
  });

  await t.test('deleting a running Job removes its pods despite their tracking finalizer', async (t) => {
    await client.create<Job>(JOBS, job('dropped', { parallelism: 2, completions: 4 }));
    t.ok(await until(async () => (await podsOf(client, 'dropped')).filter((p) => p.status?.phase === 'Running').length === 2, 10_000), 'two running');
    await client.delete(JOBS, { namespace: 'default', name: 'dropped' }, { propagationPolicy: 'Background' });
    t.ok(await until(async () => (await podsOf(client, 'dropped')).length === 0, 15_000), 'its pods are gone');
  });
});
