// Preemption against a real apiserver and scheduler: a high-priority pod (its PriorityClass's
// priority, which Priority admission sets) that fits nowhere evicts a
// lower-priority pod, is nominated to the freed node, and is bound there; the nomination is
// cleared once bound. A pod that may not preempt (preemptionPolicy Never) stays pending. A pod
// a PodDisruptionBudget protects is spared when another victim makes room; the victim is marked
// DisruptionTarget before it is deleted.
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import t, { type Test } from 'tap';
import { findResource } from '../../lib/api/resources.js';
import { StatusError } from '../../lib/api/status.js';
import { RestClient } from '../../lib/client/rest-client.js';
import { startApiserver } from '../../lib/launch/apiserver-process.js';
import { startControllerManager } from '../../lib/launch/controller-manager-process.js';
import { startScheduler } from '../../lib/launch/scheduler-process.js';
import { waitFor } from '../helpers/replicas.js';
import { boundNode, node, NODES, pod, podEvents, PODS } from '../helpers/sched-api.js';

const PDBS = findResource('policy', 'v1', 'poddisruptionbudgets')!;
const PRIORITY_CLASSES = findResource('scheduling.k8s.io', 'v1', 'priorityclasses')!;

/** An apiserver with one node of `cpu` cpus, a scheduler, and the given PriorityClasses. */
async function cluster(t: Test, cpu: string, classes: readonly (readonly [string, number, string])[]) {
  const apiserver = await startApiserver();
  t.teardown(() => apiserver.stop());
  const client = RestClient.fromKubeconfig(apiserver.kubeconfig);
  t.teardown(() => client.close());
  await client.create(NODES, node('node-1', { cpu }));
  const scheduler = await startScheduler(apiserver, ['--leader-elect=false']);
  t.teardown(() => scheduler.kill());
  for (const [name, value, preemptionPolicy] of classes) {
    await client.create(PRIORITY_CLASSES, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, preemptionPolicy });
  }
  return { apiserver, client };
}

t.test('a high-priority pod preempts a lower-priority one and takes its place', async (t) => {
  // 1. one 2-cpu node and a scheduler
  const { client } = await cluster(t, '2', [
    ['low', 10, 'PreemptLowerPriority'],
    ['polite', 2000, 'Never'],
    ['high', 1000, 'PreemptLowerPriority'],
  ]);

  // 2. a low-priority pod takes most of the node
  await client.create(PODS, pod('low', { cpu: '1500m', spec: { priorityClassName: 'low' } }));
  t.equal(await boundNode(client, 'low'), 'node-1');
  const low = await client.get<Pod>(PODS, { namespace: 'default', name: 'low' });

  // 3. a pod that may not preempt, however high its priority, stays pending
  await client.create(PODS, pod('polite', { cpu: '1500m', spec: { priorityClassName: 'polite' } }));
  const politeFailed = await podEvents(client, 'polite', 'FailedScheduling');
  t.equal(politeFailed[0]?.message, '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never..');
  await client.delete(PODS, { namespace: 'default', name: 'polite' });

  // 4. a high-priority pod asking for as much: every version of it is watched from here on
  const list = await client.list(PODS, { namespace: 'default', limit: 1 });
  const watch = await client.watch(PODS, { namespace: 'default', name: 'high', resourceVersion: list.metadata.resourceVersion });
  const versions: Pod[] = [];
  const watching = (async () => {
    for await (const event of watch) {
      const version = event.object as unknown as Pod;
      versions.push(version);
      if (version.spec?.nodeName && !version.status?.nominatedNodeName) return;
    }
  })();
  await client.create(PODS, pod('high', { cpu: '1500m', spec: { priorityClassName: 'high' } }));
  const high = await client.get<Pod>(PODS, { namespace: 'default', name: 'high' });

  // 5. the victim is deleted gracefully (Terminating), with a Preempted event naming the preemptor;
  //    there is no kubelet, so the test ends its termination as a kubelet would (grace 0)
  const preempted = await podEvents(client, 'low', 'Preempted');
  t.equal(preempted[0]?.message, `Preempted by pod ${high.metadata?.uid} on node node-1`);
  t.equal(preempted[0]?.involvedObject?.uid, low.metadata?.uid);
  // The scheduler marks the victim (DisruptionTarget) and records the event before it deletes it.
  let terminating: Pod | undefined;
  await waitFor('the victim is deleted gracefully', async () => (terminating = await client.get<Pod>(PODS, { namespace: 'default', name: 'low' })).metadata?.deletionTimestamp !== undefined, 10_000).catch(() => {});
  t.ok(terminating?.metadata?.deletionTimestamp, 'the low-priority pod is terminating');
  t.equal(await boundNode(client, 'high', 1500), undefined, 'the preemptor waits while the victim terminates');
  await client.delete(PODS, { namespace: 'default', name: 'low' }, { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0 });
  const gone = await client.get(PODS, { namespace: 'default', name: 'low' }).then(
    () => false,
    (error: unknown) => error instanceof StatusError && error.code === 404,
  );
  t.ok(gone, 'the low-priority pod is gone');

  // 6. the preemptor was told it did not fit, was nominated to node-1, then bound there
  const failed = (await podEvents(client, 'high', 'FailedScheduling')).map((e) => e.message);
  t.ok(failed.includes('0/1 nodes are available: 1 Insufficient cpu.'), 'preemption succeeded: no preemption message');
  t.ok(
    failed.every((m) => m === '0/1 nodes are available: 1 Insufficient cpu.' || m === '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to a terminating pod on the nominated node..'),
    `while the victim terminates, no second preemption (${failed.join(' | ')})`,
  );
  t.equal(await boundNode(client, 'high'), 'node-1');
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([watching, new Promise((r) => (timer = setTimeout(r, 10_000)))]);
  clearTimeout(timer);
  watch.close();
  t.ok(versions.some((v) => !v.spec?.nodeName && v.status?.nominatedNodeName === 'node-1'), 'status.nominatedNodeName was node-1 while pending');

  // 7. once bound, the nomination is cleared
  const last = versions.at(-1);
  t.equal(last?.spec?.nodeName, 'node-1');
  t.notOk(last?.status?.nominatedNodeName, 'no nomination left on the bound pod');
});

t.test('preemption spares a pod its PodDisruptionBudget protects when another victim makes room', async (t) => {
  // 1. one 3-cpu node, the scheduler, and the controller-manager's disruption controller (it
  //    writes the budget's status: disruptionsAllowed)
  const { apiserver, client } = await cluster(t, '3', [
    ['low', 10, 'PreemptLowerPriority'],
    ['mid', 500, 'PreemptLowerPriority'],
    ['high', 1000, 'PreemptLowerPriority'],
  ]);
  const manager = await startControllerManager(apiserver, ['--leader-elect=false', '--controllers=disruption']);
  t.teardown(() => manager.kill());

  // 2. the least important pod is guarded by a budget (minAvailable 1: no disruption allowed);
  //    a more important one is not
  await client.create(PDBS, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'db', namespace: 'default' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'db' } } } });
  await client.create(PODS, pod('guarded', { cpu: '1500m', labels: { app: 'db' }, spec: { priorityClassName: 'low' } }));
  await client.create(PODS, pod('plain', { cpu: '1500m', labels: { app: 'web' }, spec: { priorityClassName: 'mid' } }));
  t.equal(await boundNode(client, 'guarded'), 'node-1');
  t.equal(await boundNode(client, 'plain'), 'node-1');
  let observed: PodDisruptionBudget | undefined;
  await waitFor('the budget status', async () => {
    observed = await client.get<PodDisruptionBudget>(PDBS, { namespace: 'default', name: 'db' });
    return observed.status?.expectedPods === 1;
  }, 15_000);
  t.equal(observed?.status?.disruptionsAllowed, 0, 'the budget allows no disruption');

  // 3. a high-priority pod needs one of them gone: the unprotected one is preempted, although
  //    it is the more important of the two
  await client.create(PODS, pod('high', { cpu: '1500m', spec: { priorityClassName: 'high' } }));
  const high = await client.get<Pod>(PODS, { namespace: 'default', name: 'high' });
  const preempted = await podEvents(client, 'plain', 'Preempted');
  t.equal(preempted[0]?.message, `Preempted by pod ${high.metadata?.uid} on node node-1`);
  // The event may be written before the deletion lands.
  let plain: Pod | undefined;
  await waitFor('the unprotected pod to be deleted', async () => {
    plain = await client.get<Pod>(PODS, { namespace: 'default', name: 'plain' });
    return !!plain.metadata?.deletionTimestamp;
  }, 15_000).catch(() => undefined);
  t.ok(plain?.metadata?.deletionTimestamp, 'the unprotected pod is terminating');
  t.match(
    plain?.status?.conditions?.find((c) => c.type === 'DisruptionTarget'),
    { status: 'True', reason: 'PreemptionByScheduler', message: 'default-scheduler: preempting to accommodate a higher priority pod' },
    'the victim carries the DisruptionTarget condition',
  );
  const guarded = await client.get<Pod>(PODS, { namespace: 'default', name: 'guarded' });
  t.notOk(guarded.metadata?.deletionTimestamp, 'the budget-protected pod is not preempted');
  t.same(await podEvents(client, 'guarded', 'Preempted', 1000), [], 'no Preempted event on the protected pod');
});
