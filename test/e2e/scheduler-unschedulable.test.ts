// A pod no node fits, against a real apiserver and scheduler: it gets a FailedScheduling Warning
// event and the PodScheduled=False condition worded exactly as kube-scheduler words them
// (preemption ran and found nothing, hence the message's second part and its final ".."), and it
// is scheduled as soon as a node it fits on is created.
import type { Pod } from 'kubernetes-types/core/v1.js';
import t from 'tap';
import { RestClient } from '../../lib/client/rest-client.js';
import { startApiserver } from '../../lib/launch/apiserver-process.js';
import { startScheduler } from '../../lib/launch/scheduler-process.js';
import { boundNode, node, NODES, pod, podEvents, PODS } from '../helpers/sched-api.js';

t.test('an unschedulable pod is told why, in Kubernetes\' words, and placed once a node fits', async (t) => {
  // 1. three 2-cpu nodes, one of them tainted and the only one with an ssd, and a scheduler
  const apiserver = await startApiserver();
  t.teardown(() => apiserver.stop());
  const client = RestClient.fromKubeconfig(apiserver.kubeconfig);
  t.teardown(() => client.close());
  await client.create(NODES, node('node-1', { cpu: '2', labels: { disktype: 'hdd' } }));
  await client.create(NODES, node('node-2', { cpu: '2', labels: { disktype: 'hdd' } }));
  await client.create(NODES, node('node-3', { cpu: '2', labels: { disktype: 'ssd' }, taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }));
  const scheduler = await startScheduler(apiserver, ['--leader-elect=false']);
  t.teardown(() => scheduler.kill());

  // 2. a pod asking for 3 cpus fits nowhere; no node is large enough, so (1.36) preemption
  //    cannot help on any
  await client.create(PODS, pod('big', { cpu: '3' }));
  const expected = '0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling..';
  const failed = await podEvents(client, 'big', 'FailedScheduling');
  t.equal(failed[0]?.type, 'Warning');
  t.equal(failed[0]?.message, expected, 'FailedScheduling event as kube-scheduler writes it');
  t.equal(failed[0]?.source?.component, 'default-scheduler');
  const condition = (await waitForCondition(client, 'big'))!;
  t.match(condition, { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: expected });

  // 3. a pod whose nodeSelector only the tainted node matches: every node is unresolvable, so
  //    preemption cannot help anywhere
  await client.create(PODS, pod('wants-ssd', { cpu: '100m', spec: { nodeSelector: { disktype: 'ssd' } } }));
  const selector = await podEvents(client, 'wants-ssd', 'FailedScheduling');
  t.equal(
    selector[0]?.message,
    "0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling..",
  );

  // 4. a 4-cpu node appears: the big pod is bound to it without being recreated
  await client.create(NODES, node('node-4', { cpu: '4', labels: { disktype: 'hdd' } }));
  t.equal(await boundNode(client, 'big', 20_000), 'node-4', 'scheduled on the new node');
  const scheduled = await podEvents(client, 'big', 'Scheduled');
  t.equal(scheduled[0]?.message, 'Successfully assigned default/big to node-4');
  const bound = await client.get<Pod>(PODS, { namespace: 'default', name: 'big' });
  t.equal(bound.status?.conditions?.find((c) => c.type === 'PodScheduled')?.status, 'True');

  // 5. the pod nothing helps is still pending
  t.equal(await boundNode(client, 'wants-ssd', 500), undefined);
});

async function waitForCondition(client: RestClient, name: string, timeoutMs = 10_000): Promise<NonNullable<NonNullable<Pod['status']>['conditions']>[number] | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = await client.get<Pod>(PODS, { namespace: 'default', name });
    const condition = current.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (condition || Date.now() >= deadline) return condition;
    await new Promise((r) => setTimeout(r, 100));
  }
}
