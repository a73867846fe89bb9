// The replicated store through the built binding: three replicas in this process, talking Raft
// over loopback. Writes through one are seen by a linearizable read on another, events agree,
// a cut-off replica answers 'Unavailable' in bounded time, and bad options are refused.
import t, { type Test } from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../lib/process/ports.js';
import { Store, StoreError, type ReplicationOptions } from '../lib/native/store.js';
import { ensurePki } from '../lib/pki/certs.js';
import { ensureRaftPeerCert } from '../lib/pki/raft-peer.js';

async function cluster(t: Test, size = 3): Promise<Store[]> {
  const root = mkdtempSync(join(tmpdir(), 'rudder-replicated-'));
  const peers: { id: number; address: string }[] = [];
  for (let id = 1; id <= size; id++) peers.push({ id, address: `127.0.0.1:${await freePort()}` });
  const certDir = join(root, 'pki');
  await ensurePki(certDir);
  const tls = await Promise.all(peers.map((peer) => ensureRaftPeerCert(certDir, peer.id)));
  const stores = peers.map((peer, i) =>
    Store.open({
      dataDir: join(root, `r${peer.id}`),
      replication: { id: peer.id, listen: peer.address, peers, tickMs: 50, electionTicks: 10, requestTimeoutMs: 1000, tls: tls[i]! },
    }),
  );
  t.teardown(async () => {
    await Promise.all(stores.map((s) => s.close()));
    rmSync(root, { recursive: true, force: true });
  });
  return stores;
}

async function leaderOf(stores: Store[]): Promise<Store> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const leader = stores.find((s) => s.replicaStatus()?.role === 'leader');
    if (leader) return leader;
    await sleep(20);
  }
  throw new Error('no leader');
}

t.test('writes through a follower are read linearizably on the other follower, with the same events', async (t) => {
  const stores = await cluster(t);
  const leader = await leaderOf(stores);
  const [a, b] = stores.filter((s) => s !== leader) as [Store, Store];
  t.ok(a.replicated && b.replicated);
  const seen: number[] = [];
  b.onCommit((events) => seen.push(...events.map((e) => e.revision)));
  const result = await a.txn({ success: [{ type: 'put', key: '/k', value: { n: 1 } }] });
  t.ok(result.succeeded);
  await b.linearizableRead();
  t.same(b.get('/k')?.value, { n: 1 }, 'visible on another replica after a linearizable read');
  t.equal(b.get('/k')?.modRevision, result.revision, 'at the same revision');
  t.ok(seen.includes(result.revision), 'its event reached the other replica before the read resolved');
  const status = b.replicaStatus()!;
  t.match(status, { role: 'follower', leader: leader.replicaStatus()!.id, removed: false });
  t.ok(status.appliedIndex >= status.commitIndex - 1 && status.members.length === 3);
});

t.test('a cut-off replica refuses writes and reads with Unavailable, then heals', async (t) => {
  const stores = await cluster(t);
  await leaderOf(stores);
  const cut = stores[0]!;
  const ids = stores.map((s) => s.replicaStatus()!.id);
  cut.setBlockedPeers(ids.filter((id) => id !== cut.replicaStatus()!.id));
  for (const other of stores.slice(1)) other.setBlockedPeers([cut.replicaStatus()!.id]);
  const started = Date.now();
  const error = await cut.txn({ success: [{ type: 'put', key: '/cut', value: 1 }] }).then(() => null, (e: unknown) => e);
  t.ok(error instanceof StoreError && error.code === 'Unavailable', `write refused: ${String(error)}`);
  t.ok(Date.now() - started < 4000, 'within the request timeout');
  const read = await cut.linearizableRead().then(() => null, (e: unknown) => e);
  t.ok(read instanceof StoreError && read.code === 'Unavailable', 'quorum read refused');
  for (const store of stores) store.setBlockedPeers([]);
  await sleep(1500);
  await cut.linearizableRead();
  t.pass('after healing, quorum reads work again');
});

t.test('bad replication options are refused with InvalidArgument', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'rudder-replicated-bad-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const certDir = join(root, 'pki');
  await ensurePki(certDir);
  const tls = await ensureRaftPeerCert(certDir, 1);
  const missing = { caFile: join(root, 'no-ca.crt'), certFile: join(root, 'no.crt'), keyFile: join(root, 'no.key') };
  const bad: ReplicationOptions[] = [
    { id: 0, listen: '127.0.0.1:1', peers: [{ id: 1, address: '127.0.0.1:1' }], tls },
    { id: 2, listen: '127.0.0.1:1', peers: [{ id: 1, address: '127.0.0.1:1' }], tls },
    { id: 1, listen: '127.0.0.1:1', peers: [{ id: 1, address: '127.0.0.1:1' }], heartbeatTicks: 10, electionTicks: 5, tls },
    { id: 1, listen: '127.0.0.1:0', peers: [{ id: 1, address: '127.0.0.1:1' }], tls: { caFile: '', certFile: '', keyFile: '' } },
    { id: 1, listen: '127.0.0.1:0', peers: [{ id: 1, address: '127.0.0.1:1' }], tls: missing },
    // replica 1's certificate does not name replica 2
    { id: 2, listen: '127.0.0.1:0', peers: [{ id: 2, address: '127.0.0.1:1' }], tls },
  ];
  for (const [i, replication] of bad.entries()) {
    t.throws(() => Store.open({ dataDir: join(root, String(i)), replication }), { code: 'InvalidArgument' }, JSON.stringify(replication));
  }
  const single = Store.open({ dataDir: join(root, 'single') });
  t.teardown(() => single.close());
  t.equal(single.replicated, false);
  t.equal(single.replicaStatus(), null);
  await single.linearizableRead();
  await t.rejects(single.addReplica(2, '127.0.0.1:2'), { code: 'InvalidArgument' }, 'a single replica cannot change members');
});
