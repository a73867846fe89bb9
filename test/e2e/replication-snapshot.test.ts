// The Raft log is compacted after 100,000 writes, and a replica whose data was wiped rejoins
// from a snapshot of the state machine (its watch history then starts at the snapshot).
import t from 'tap';
import { startReplicaSet } from '../../lib/launch/replica-set.js';
import { runLoad } from '../../bench/lib/load.js';
import { rest } from '../helpers/rest.js';
import { listOn, target, waitFor } from '../helpers/replicas.js';

const WRITES = 100_000;

t.test('after 100,000 writes the log is compacted; a wiped replica rejoins from a snapshot', async (t) => {
  // 1. three replicas that compact their log every 100,000 writes (the default)
  const set = await startReplicaSet({ size: 3, electionTimeout: '1s', requestTimeout: '5s' });
  t.teardown(() => set.stop());
  const leader = await set.leader();
  t.equal((await rest(target(set, leader), 'POST', '/api/v1/namespaces', { metadata: { name: 'bulk' } })).status, 201);

  // 2. 64 clients create 100,000 small ConfigMaps
  const load = await runLoad({ url: leader.url, caPem: set.caPem, token: set.token }, 64, WRITES, (i) => ({
    method: 'POST',
    path: '/api/v1/namespaces/bulk/configmaps',
    body: JSON.stringify({ metadata: { name: `cm-${i}` }, data: { i: String(i) } }),
    expect: [201],
  }));
  t.equal(load.failed, 0, `${WRITES} creates in ${load.seconds.toFixed(1)} s (${Math.round(load.perSecond)}/s)${load.firstError ? `; first error: ${load.firstError}` : ''}`);

  // 3. every replica compacts its log behind a snapshot point
  await waitFor('log compaction on every replica', async () => {
    const reports = await Promise.all(set.replicas.map((r) => set.report(r.id)));
    return reports.every((r) => (r?.firstIndex ?? 0) > 1);
  }, 30_000);
  const compacted = await set.report(leader.id);
  t.ok((compacted?.firstIndex ?? 0) > 1, `the leader's log starts at entry ${compacted?.firstIndex} of ${compacted?.lastIndex}`);

  // 4. a follower's data directory is wiped; it is replaced under its id and starts empty
  const wiped = set.replicas.find((r) => r.id !== leader.id)!;
  const oldRevision = (await listOn(set, leader, 'bulk', '0')).resourceVersion - 10;
  await set.wipeAndRejoin(wiped.id, leader.id);

  // 5. it catches up from a snapshot and holds what the leader holds
  const expected = await listOn(set, leader, 'bulk');
  t.equal(expected.items.length, WRITES);
  await waitFor('the wiped replica catches up', async () => ((await set.report(wiped.id))?.appliedIndex ?? 0) >= ((await set.report(leader.id))?.commitIndex ?? Infinity), 60_000);
  const report = await set.report(wiped.id);
  t.ok((report?.snapshotIndex ?? 0) > 0, `it installed a snapshot at entry ${report?.snapshotIndex}`);
  const listed = await listOn(set, wiped.id, 'bulk', String(expected.resourceVersion));
  t.equal(listed.items.length, WRITES, 'it holds every ConfigMap');
  t.same(listed.items, expected.items, 'at the same resourceVersions');

  // 6. its watch history starts at the snapshot; watches from now work
  const tooOld = await rest(target(set, wiped.id), 'GET', `/api/v1/namespaces/bulk/configmaps?watch=1&resourceVersion=${oldRevision}&timeoutSeconds=1`);
  t.match(tooOld.text, /"code":410/, 'a watch from before the snapshot gets 410 Expired');
  const write = await rest(target(set, wiped.id), 'POST', '/api/v1/namespaces/bulk/configmaps', { metadata: { name: 'after-rejoin' } });
  t.equal(write.status, 201, 'the rejoined replica takes writes');
});
