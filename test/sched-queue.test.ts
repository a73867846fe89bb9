// The scheduling queue with a fake clock: QueueSort order, pop waiting, backoff doubling to its
// cap, unschedulable pods moved only by events their rejecting plugins care about, the 5-minute
// flush, scheduling gates, in-flight events and scheduler_pending_pods.
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { Registry } from 'prom-client';
import t from 'tap';
import { FakeClock, settle } from '../lib/client/clock.js';
import { ASSIGNED_POD_DELETE, NODE_ADD, nodeUpdateEvents } from '../lib/sched/queue/cluster-events.js';
import type { QueueablePod } from '../lib/sched/queue/queued-pod.js';
import { SchedulingQueue } from '../lib/sched/queue/scheduling-queue.js';

function pod(name: string, priority = 0, extra: Partial<Pod['spec']> = {}): QueueablePod {
  const object: Pod = { metadata: { namespace: 'default', name }, spec: { containers: [{ name: 'c' }], priority, ...extra } };
  return { key: `default/${name}`, priority, pod: object };
}

function queue(clock = new FakeClock(), metrics?: Registry): { q: SchedulingQueue; clock: FakeClock } {
  const q = new SchedulingQueue({ clock, metrics });
  q.run();
  return { q, clock };
}

async function popKey(q: SchedulingQueue): Promise<string | undefined> {
  return (await q.pop())?.podInfo.key;
}

t.test('activeQ pops by priority, then by arrival', async (t) => {
  const { q, clock } = queue();
  q.add(pod('low-first', 0));
  await clock.advance(1);
  q.add(pod('high', 100));
  await clock.advance(1);
  q.add(pod('low-second', 0));
  t.same([await popKey(q), await popKey(q), await popKey(q)], ['default/high', 'default/low-first', 'default/low-second']);
  q.close();
});

t.test('pop waits for a pod and close wakes it with nothing', async (t) => {
  const { q } = queue();
  let got: string | undefined = 'nothing yet';
  const waiting = q.pop().then((p) => (got = p?.podInfo.key));
  await settle();
  t.equal(got, 'nothing yet', 'no pod: pop waits');
  q.add(pod('a'));
  await waiting;
  t.equal(got, 'default/a');
  const last = q.pop();
  q.close();
  t.equal(await last, undefined);
});

t.test('a failed pod backs off 1 s, 2 s, 4 s, ... up to 10 s', async (t) => {
  const { q, clock } = queue();
  t.same([1, 2, 3, 4, 5, 6].map((a) => q.backoffDuration(a)), [1000, 2000, 4000, 8000, 10_000, 10_000]);
  q.add(pod('a'));
  for (const wait of [1000, 2000, 4000, 8000, 10_000]) {
    const popped = (await q.pop())!;
    q.addUnschedulableIfNotPresent(popped, { unschedulablePlugins: new Set(), error: true });
    t.equal(q.where('default/a'), 'backoff');
    await clock.advance(wait - 1);
    t.equal(q.where('default/a'), 'backoff', `still backing off just before ${wait} ms`);
    // The flush runs every second, so the pod leaves within a second of its expiry.
    await clock.advance(1000);
    t.equal(q.where('default/a'), 'active', `in activeQ after ${wait} ms`);
  }
  q.close();
});

t.test('unschedulable pods move back only on events their rejecting plugins registered for', async (t) => {
  const { q, clock } = queue();
  q.add(pod('needs-cpu'));
  q.add(pod('needs-label'));
  const first = (await q.pop())!;
  const second = (await q.pop())!;
  q.addUnschedulableIfNotPresent(first, { unschedulablePlugins: new Set(['NodeResourcesFit']) });
  q.addUnschedulableIfNotPresent(second, { unschedulablePlugins: new Set(['NodeAffinity']) });
  t.same(q.counts(), { active: 0, backoff: 0, unschedulable: 2, gated: 0 });

  const before: Node = { metadata: { name: 'n1', labels: { zone: 'a' } }, status: { allocatable: { cpu: '1' } } };
  const relabelled: Node = { ...before, metadata: { name: 'n1', labels: { zone: 'b' } } };
  for (const event of nodeUpdateEvents(before, relabelled)) q.onEvent(event);
  t.equal(q.where('default/needs-cpu'), 'unschedulable', 'a label change cannot give cpu');
  t.equal(q.where('default/needs-label'), 'backoff', 'a label change may satisfy affinity (still backing off)');

  q.onEvent(ASSIGNED_POD_DELETE);
  t.equal(q.where('default/needs-cpu'), 'backoff', 'a deleted pod frees cpu');
  await clock.advance(2000);
  t.equal(q.counts().active, 2);
  q.close();
});

t.test('a node added after the backoff expired sends the pod straight to activeQ', async (t) => {
  const { q, clock } = queue();
  q.add(pod('a'));
  q.addUnschedulableIfNotPresent((await q.pop())!, { unschedulablePlugins: new Set(['NodeResourcesFit']) });
  await clock.advance(5000);
  t.equal(q.where('default/a'), 'unschedulable');
  q.onEvent(NODE_ADD);
  t.equal(q.where('default/a'), 'active');
  q.close();
});

t.test('pods unschedulable for 5 minutes are flushed back', async (t) => {
  const { q, clock } = queue();
  q.add(pod('a'));
  q.addUnschedulableIfNotPresent((await q.pop())!, { unschedulablePlugins: new Set(['NodeResourcesFit']) });
  await clock.advance(4 * 60_000);
  t.equal(q.where('default/a'), 'unschedulable');
  await clock.advance(60_000 + 30_000);
  t.equal(q.where('default/a'), 'active');
  q.close();
});

t.test('a pod with scheduling gates stays out of activeQ until the gates are removed', async (t) => {
  const { q } = queue();
  q.add(pod('gated', 0, { schedulingGates: [{ name: 'example.com/wait' }] }));
  t.equal(q.where('default/gated'), 'gated');
  t.same(q.counts(), { active: 0, backoff: 0, unschedulable: 0, gated: 1 });
  q.onEvent(NODE_ADD);
  t.equal(q.where('default/gated'), 'gated', 'cluster events do not ungate');
  t.match(q.get('default/gated'), { gatingPlugin: 'SchedulingGates', gatingMessage: /example.com\/wait/ });
  q.update(pod('gated'));
  t.equal(q.where('default/gated'), 'active');
  t.equal(await popKey(q), 'default/gated');
  q.close();
});

t.test('an event during the attempt sends a failing pod to backoffQ, not unschedulablePods', async (t) => {
  const { q } = queue();
  q.add(pod('a'));
  q.add(pod('b'));
  const a = (await q.pop())!;
  q.onEvent(NODE_ADD);
  q.addUnschedulableIfNotPresent(a, { unschedulablePlugins: new Set(['NodeResourcesFit']) });
  t.equal(q.where('default/a'), 'backoff', 'the node added while it was in flight may fit it');
  const b = (await q.pop())!;
  q.addUnschedulableIfNotPresent(b, { unschedulablePlugins: new Set(['NodeResourcesFit']) });
  t.equal(q.where('default/b'), 'unschedulable', 'nothing happened during its attempt');
  q.close();
});

t.test('updates and deletes reach the pod wherever it waits', async (t) => {
  const { q } = queue();
  q.add(pod('a'));
  q.add(pod('b', 0));
  q.update(pod('b', 50));
  t.equal(await popKey(q), 'default/b', 'priority raised in place');
  q.delete('default/a');
  t.equal(q.where('default/a'), undefined);
  const popped = q.pop();
  q.add(pod('c'));
  t.equal((await popped)?.podInfo.key, 'default/c');
  q.close();
});

t.test('nominated pods are listed per node', async (t) => {
  const { q } = queue();
  const p = pod('preemptor', 1000);
  q.add(p);
  q.nominator.addNominatedPod(p, 'node-1');
  t.same(q.nominator.nominatedPodsForNode('node-1').map((x) => x.key), ['default/preemptor']);
  q.delete('default/preemptor');
  t.same(q.nominator.nominatedPodsForNode('node-1'), []);
  q.close();
});

t.test('scheduler_pending_pods reports each queue', async (t) => {
  const metrics = new Registry();
  const { q } = queue(new FakeClock(), metrics);
  q.add(pod('a'));
  q.add(pod('b', 0, { schedulingGates: [{ name: 'g' }] }));
  const text = await metrics.metrics();
  t.match(text, /scheduler_pending_pods\{queue="active"\} 1/);
  t.match(text, /scheduler_pending_pods\{queue="gated"\} 1/);
  t.match(text, /scheduler_pending_pods\{queue="unschedulable"\} 0/);
  q.close();
});
