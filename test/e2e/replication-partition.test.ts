// A replica cut off from the others (the transport's fault hook, on every replica) refuses
// writes and quorum reads with a 503 in bounded time, the majority keeps serving, and after
// healing the cut-off replica converges.
import t from 'tap';
import { startReplicaSet } from '../../lib/launch/replica-set.js';
import { rest } from '../helpers/rest.js';
import { listOn, startWriters, target, waitFor } from '../helpers/replicas.js';

t.test('isolate the leader: the majority serves, the isolated one refuses, healing converges', async (t) => {
  // 1. three replicas, some data
  const set = await startReplicaSet({ size: 3, electionTimeout: '1s', requestTimeout: '2s' });
  t.teardown(() => set.stop());
  const leader = await set.leader();
  t.equal((await rest(target(set, leader), 'POST', '/api/v1/namespaces', { metadata: { name: 'split' } })).status, 201);
  t.equal((await rest(target(set, leader), 'POST', '/api/v1/namespaces/split/configmaps', { metadata: { name: 'before' } })).status, 201);

  // 2. cut the leader off from the other two
  await set.isolate(leader.id);
  const majority = set.replicas.filter((r) => r.id !== leader.id);

  // 3. the majority elects a new leader and keeps taking writes
  const newLeader = await set.leader(10_000, majority.map((r) => r.id));
  t.not(newLeader.id, leader.id, `replica ${newLeader.id} leads the majority`);
  const writers = startWriters(set, 'split', 4, (c) => majority[c % 2]!);
  await waitFor('writes on the majority', () => writers.acknowledged.size >= 100, 20_000);

  // 4. the isolated replica refuses a write with 503 ServiceUnavailable within the timeout
  const started = Date.now();
  const refused = await rest(target(set, leader), 'POST', '/api/v1/namespaces/split/configmaps', { metadata: { name: 'on-the-minority' } });
  const refusedAfter = Date.now() - started;
  t.equal(refused.status, 503, 'the write on the minority is refused');
  t.match(refused.json(), { kind: 'Status', reason: 'ServiceUnavailable', code: 503 });
  t.ok(refusedAfter < 5000, `refused after ${refusedAfter} ms (timeout 2s)`);
  const quorumRead = await rest(target(set, leader), 'GET', '/api/v1/namespaces/split/configmaps/before');
  t.equal(quorumRead.status, 503, 'a quorum read on the minority is refused too');
  const staleRead = await rest(target(set, leader), 'GET', '/api/v1/namespaces/split/configmaps/before?resourceVersion=0');
  t.equal(staleRead.status, 200, 'resourceVersion=0 reads are served from local state');
  const readyz = await rest(target(set, leader), 'GET', '/readyz');
  t.equal(readyz.status, 500, 'the isolated replica reports not ready');

  // 5. heal: the isolated replica converges and serves writes again
  await writers.stop();
  await set.heal();
  const expected = await listOn(set, newLeader, 'split');
  await waitFor('convergence', async () => {
    const listed = await listOn(set, leader, 'split');
    return listed.status === 200 && JSON.stringify(listed.items) === JSON.stringify(expected.items);
  }, 20_000);
  t.notOk(expected.items.some((i) => i.name === 'on-the-minority'), 'the refused write never appeared');
  const after = await rest(target(set, leader), 'POST', '/api/v1/namespaces/split/configmaps', { metadata: { name: 'after-heal' } });
  t.equal(after.status, 201, 'the healed replica takes writes');
});
