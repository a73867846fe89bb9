// Restarting every replica recovers everything that was acknowledged: all three are SIGKILLed
// in the middle of a burst of creates and started again on their data.
import t from 'tap';
import { startReplicaSet } from '../../lib/launch/replica-set.js';
import { rest } from '../helpers/rest.js';
import { listOn, startWriters, target, waitFor } from '../helpers/replicas.js';

t.test('SIGKILL all three replicas mid-load and restart them: nothing acknowledged is lost', async (t) => {
  // 1. three replicas and a namespace
  const set = await startReplicaSet({ size: 3, electionTimeout: '1s', requestTimeout: '2s' });
  t.teardown(() => set.stop());
  await set.leader();
  t.equal((await rest(target(set, 1), 'POST', '/api/v1/namespaces', { metadata: { name: 'crash' } })).status, 201);

  // 2. 16 clients write through all replicas
  const writers = startWriters(set, 'crash', 16, (c) => set.replicas[c % 3]!);
  await waitFor('1000 acknowledged writes', () => writers.acknowledged.size >= 1000, 30_000);

  // 3. SIGKILL all three at once, mid-load
  await Promise.all(set.replicas.map((r) => r.process.kill('SIGKILL')));
  await writers.stop();
  const acknowledged = new Map(writers.acknowledged);

  // 4. restart them on their data
  await Promise.all(set.replicas.map((r) => r.process.restart()));
  await set.leader();

  // 5. every acknowledged create is on every replica, at the resourceVersion it was acknowledged with
  for (const replica of set.replicas) {
    const listed = await listOn(set, replica, 'crash');
    t.equal(listed.status, 200);
    const present = new Map(listed.items.map((i) => [i.name, i.resourceVersion]));
    const lost = [...acknowledged].filter(([name, rv]) => present.get(name) !== rv);
    t.same(lost, [], `replica ${replica.id}: none of ${acknowledged.size} acknowledged writes lost`);
  }
  const created = await rest(target(set, 2), 'POST', '/api/v1/namespaces/crash/configmaps', { metadata: { name: 'after-restart' } });
  t.equal(created.status, 201, 'the restarted cluster takes writes');
});
