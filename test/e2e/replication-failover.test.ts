// Three apiserver replicas survive losing any one: the leader killed mid-load, a follower paused.
import t from 'tap';
import { startReplicaSet } from '../../lib/launch/replica-set.js';
import { rest } from '../helpers/rest.js';
import { listOn, replayCreates, startWriters, target, waitFor } from '../helpers/replicas.js';

t.test('SIGKILL the leader while 16 clients write through followers', async (t) => {
  // 1. three replicas and a namespace to write into
  const set = await startReplicaSet({ size: 3, electionTimeout: '1s', requestTimeout: '2s' });
  t.teardown(() => set.stop());
  const leader = await set.leader();
  const followers = set.replicas.filter((r) => r.id !== leader.id);
  const ns = await rest(target(set, followers[0]!), 'POST', '/api/v1/namespaces', { metadata: { name: 'failover' } });
  t.equal(ns.status, 201, 'the namespace is created');
  const startRevision = (await listOn(set, followers[1]!, 'failover')).resourceVersion;

  // 2. 16 clients create ConfigMaps through the two followers
  const writers = startWriters(set, 'failover', 16, (c) => followers[c % 2]!);
  await waitFor('500 acknowledged writes', () => writers.acknowledged.size >= 500, 30_000);

  // 3. SIGKILL the leader: the followers elect a new one within 3 s
  const killedAt = Date.now();
  await leader.process.kill('SIGKILL');
  const newLeader = await set.leader(10_000, followers.map((f) => f.id));
  const electedMs = Date.now() - killedAt;
  t.ok(electedMs < 3000, `a new leader (replica ${newLeader.id}) within 3 s: ${electedMs} ms`);

  // 4. writes go on being acknowledged after the failover
  const before = writers.acknowledged.size;
  await waitFor('300 more acknowledged writes', () => writers.acknowledged.size >= before + 300, 30_000);
  await writers.stop();
  t.ok(writers.acknowledged.size >= 800, `${writers.acknowledged.size} writes acknowledged; failures by code ${JSON.stringify([...writers.failures])}, ${writers.unknown} unknown`);

  // 5. the killed replica restarts and catches up
  await leader.process.restart();
  const expected = await listOn(set, newLeader, 'failover');
  await waitFor('the restarted replica catches up', async () => (await set.report(leader.id))?.appliedIndex !== undefined && ((await set.report(leader.id))?.appliedIndex ?? 0) >= ((await set.report(newLeader.id))?.commitIndex ?? Infinity), 20_000);

  // 6. every acknowledged write is on every replica, none twice, resourceVersions strictly increasing
  const histories = [];
  for (const replica of set.replicas) {
    const listed = await listOn(set, replica, 'failover');
    t.equal(listed.status, 200, `replica ${replica.id} lists`);
    const present = new Map(listed.items.map((item) => [item.name, item.resourceVersion]));
    const missing = [...writers.acknowledged].filter(([name, rv]) => present.get(name) !== rv);
    t.same(missing, [], `replica ${replica.id} holds every acknowledged write at its resourceVersion`);
    t.same(listed.items.map((i) => i.name).sort(), expected.items.map((i) => i.name).sort(), `replica ${replica.id} holds what the leader holds`);
    const creates = await replayCreates(set, replica, 'failover', startRevision);
    const names = creates.map((c) => c.name);
    t.equal(new Set(names).size, names.length, `replica ${replica.id}: no write applied twice`);
    t.ok(creates.every((c, i) => i === 0 || c.resourceVersion > creates[i - 1]!.resourceVersion), `replica ${replica.id}: resourceVersions strictly increase`);
    histories.push(creates);
  }
  t.same(histories[1], histories[0], 'replicas 1 and 2 replay the same history');
  t.same(histories[2], histories[0], 'replicas 1 and 3 replay the same history');
  t.ok(writers.perClient.every((rvs) => rvs.every((rv, i) => i === 0 || rv > rvs[i - 1]!)), "each client's acknowledged resourceVersions increase");
});

t.test('SIGSTOP a follower for 10 s, SIGCONT: it catches up', async (t) => {
  // 1. three replicas
  const set = await startReplicaSet({ size: 3, electionTimeout: '1s', requestTimeout: '2s' });
  t.teardown(() => set.stop());
  const leader = await set.leader();
  const paused = set.replicas.find((r) => r.id !== leader.id)!;
  t.equal((await rest(target(set, leader), 'POST', '/api/v1/namespaces', { metadata: { name: 'pause' } })).status, 201);

  // 2. the follower is paused while 8 clients keep writing through the leader
  const writers = startWriters(set, 'pause', 8, () => leader);
  paused.process.child.kill('SIGSTOP');
  await new Promise((resolve) => setTimeout(resolve, 10_000));
  const duringPause = writers.acknowledged.size;
  t.ok(duringPause > 200, `the majority kept acknowledging writes during the pause: ${duringPause}`);

  // 3. SIGCONT: within 10 s it has applied everything the leader committed and lists the same
  paused.process.child.kill('SIGCONT');
  await writers.stop();
  const leaderReport = await set.report(leader.id);
  await waitFor('the paused follower catches up', async () => ((await set.report(paused.id))?.appliedIndex ?? 0) >= (leaderReport?.commitIndex ?? Infinity), 10_000);
  const onLeader = await listOn(set, leader, 'pause');
  const onPaused = await listOn(set, paused, 'pause', String(onLeader.resourceVersion));
  t.equal(onPaused.items.length, onLeader.items.length, `${onLeader.items.length} ConfigMaps on both`);
  t.same(onPaused.items, onLeader.items, 'the same objects at the same resourceVersions');
  t.equal((await set.report(paused.id))?.role, 'follower', 'it rejoined as a follower');
});
