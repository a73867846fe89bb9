// Hostile input on every replica's Raft port while clients keep writing through the apiserver:
// random and truncated frames, a batch claiming 4 billion messages, plain TCP, TLS without a
// certificate or with another CA's, the cluster CA's certificate for non-member 99 sending a
// heartbeat at term 1000, a MsgTimeoutNow forged in a member's name. No replica exits, the term
// and the leader stay, and every acknowledged write is on every replica.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { startReplicaSet, type ReplicaReport } from '../../lib/launch/replica-set.js';
import { ensurePki, pkiPaths } from '../../lib/pki/certs.js';
import { createRaftPeerCert, raftPeerPaths } from '../../lib/pki/raft-peer.js';
import { readCa } from '../../lib/pki/x509.js';
import { batch, frame, hello, MsgHeartbeat, MsgTimeoutNow, probe, type Identity, type Transport } from '../helpers/raft-probe.js';
import { rest } from '../helpers/rest.js';
import { listOn, startWriters, target, waitFor } from '../helpers/replicas.js';

interface Attack {
  what: string;
  transport: Transport;
  chunks: Buffer[];
  /** Whether the replica acknowledges the hello (only a member's own certificate gets that far). */
  acked: boolean;
  /** Whether the replica must close the connection at once (undefined: it may wait for more). */
  closed?: boolean;
}

t.test('hostile peers on every Raft port change nothing while clients write', async (t) => {
  // 1. three replicas, a leader, and clients writing through all three
  const set = await startReplicaSet({ size: 3, electionTimeout: '1s', requestTimeout: '2s' });
  t.teardown(() => set.stop());
  const leader = await set.leader();
  t.equal((await rest(target(set, leader), 'POST', '/api/v1/namespaces', { metadata: { name: 'hostile' } })).status, 201);
  const writers = startWriters(set, 'hostile', 3, (c) => set.replicas[c % 3]!);
  await waitFor('the first writes', () => writers.acknowledged.size >= 30, 20_000);
  const reports = async (): Promise<ReplicaReport[]> => {
    const all = await Promise.all(set.replicas.map((r) => set.report(r.id)));
    return all.map((report, i) => {
      if (!report) throw new Error(`replica ${set.replicas[i]!.id} does not answer`);
      return report;
    });
  };
  const before = await reports();
  const term = before.find((r) => r.id === leader.id)!.term;
  t.ok(before.every((r) => r.term === term && r.leader === leader.id), `all follow replica ${leader.id} at term ${term}`);

  // 2. identities: the cluster CA's certificate for non-member 99, another CA's for a member, and
  //    the members' own (as a thief of a member's key would have them)
  const pki = pkiPaths(set.certDir);
  const clusterCa = await readCa(pki.caCert, pki.caKey);
  const nonMember: Identity = await createRaftPeerCert(clusterCa, 99);
  const otherDir = mkdtempSync(join(tmpdir(), 'rudder-other-ca-'));
  t.teardown(() => rmSync(otherDir, { recursive: true, force: true }));
  const otherPki = await ensurePki(otherDir);
  const otherCa = await readCa(otherPki.caCert, otherPki.caKey);
  const member = (id: number): Identity => {
    const paths = raftPeerPaths(set.certDir, id);
    return { certPem: readFileSync(paths.certFile, 'utf8'), keyPem: readFileSync(paths.keyFile, 'utf8') };
  };

  // 3. every replica's peer port gets every attack; after each, no replica has exited
  const plain: Transport = { kind: 'plain' };
  for (const victim of set.replicas) {
    const port = Number(victim.peerAddress.split(':').at(-1));
    const tls = (identity?: Identity): Transport => ({ kind: 'tls', caPem: set.caPem, target: victim.id, ...(identity ? { identity } : {}) });
    // A follower other than the victim: its connection to the victim is the one a thief replaces.
    const sender = set.replicas.find((r) => r.id !== victim.id && r.id !== leader.id)!.id;
    const claimed = victim.id === leader.id ? sender : leader.id;
    const outsider = await createRaftPeerCert(otherCa, sender);
    const heartbeat = batch([{ msg_type: MsgHeartbeat, from: 99, to: victim.id, term: 1000, commit: 1_000_000 }]);
    const timeoutNow = batch([{ msg_type: MsgTimeoutNow, from: claimed, to: victim.id, term }]);
    const attacks: Attack[] = [
      { what: 'plain TCP, 100 random bytes', transport: plain, chunks: [randomBytes(100)], acked: false, closed: true },
      { what: 'plain TCP, a batch claiming 0xFFFFFFFF messages', transport: plain, chunks: [hello(sender), frame(Buffer.from([0xff, 0xff, 0xff, 0xff]))], acked: false, closed: true },
      { what: 'plain TCP, a truncated frame', transport: plain, chunks: [Buffer.from([100, 0, 0, 0, 1, 2, 3])], acked: false, closed: true },
      { what: 'TLS without a client certificate', transport: tls(), chunks: [hello(sender), heartbeat], acked: false, closed: true },
      { what: "TLS with another CA's certificate", transport: tls(outsider), chunks: [hello(sender), heartbeat], acked: false, closed: true },
      { what: 'non-member 99 with a heartbeat at term 1000', transport: tls(nonMember), chunks: [hello(99), heartbeat], acked: false, closed: true },
      { what: `non-member 99 forging a MsgTimeoutNow from replica ${claimed}`, transport: tls(nonMember), chunks: [hello(claimed), timeoutNow], acked: false, closed: true },
      { what: `replica ${sender}'s key forging a MsgTimeoutNow from replica ${claimed}`, transport: tls(member(sender)), chunks: [hello(sender), timeoutNow], acked: true, closed: true },
      { what: `replica ${sender}'s key, a batch claiming 0xFFFFFFFF messages`, transport: tls(member(sender)), chunks: [hello(sender), frame(Buffer.from([0xff, 0xff, 0xff, 0xff]))], acked: true, closed: true },
      { what: `replica ${sender}'s key, a frame declaring 4 GiB`, transport: tls(member(sender)), chunks: [hello(sender), Buffer.from([0xff, 0xff, 0xff, 0xff, 1, 2, 3])], acked: true, closed: true },
      { what: `replica ${sender}'s key, 100 random bytes`, transport: tls(member(sender)), chunks: [hello(sender), randomBytes(100)], acked: true },
      { what: `replica ${sender}'s key, a truncated frame`, transport: tls(member(sender)), chunks: [hello(sender), Buffer.from([100, 0, 0, 0, 1, 2, 3])], acked: true },
    ];
    for (const attack of attacks) {
      const outcome = await probe(port, attack.transport, attack.chunks);
      const label = `replica ${victim.id}: ${attack.what}`;
      t.equal(outcome.acked, attack.acked, `${label}: ${attack.acked ? 'a member gets past the hello' : 'refused before any message'}`);
      if (attack.closed !== undefined) t.equal(outcome.closed, attack.closed, `${label}: the connection is dropped`);
      const exited = set.replicas.filter((r) => r.process.child.exitCode !== null || r.process.child.signalCode !== null);
      t.same(exited.map((r) => r.id), [], `${label}: no replica exited`);
    }
  }

  // 4. a connection that never speaks is closed after the handshake timeout (5 s)
  const silent = await probe(Number(leader.peerAddress.split(':').at(-1)), plain, [], 8000);
  t.ok(silent.closed, 'a silent connection is closed');

  // 5. the cluster never noticed: same leader, same term, writes still acknowledged
  const acknowledgedBefore = writers.acknowledged.size;
  await waitFor('more writes after the attacks', () => writers.acknowledged.size >= acknowledgedBefore + 30, 20_000);
  await writers.stop();
  const after = await reports();
  for (const report of after) {
    t.equal(report.term, term, `replica ${report.id} is still at term ${term}`);
    t.equal(report.leader, leader.id, `replica ${report.id} still follows replica ${leader.id}`);
  }
  t.ok(
    set.replicas.some((r) => r.process.output().includes('rudder-store: dropped a Raft connection')),
    'refused connections are logged',
  );

  // 6. every acknowledged write is on every replica
  for (const replica of set.replicas) {
    await waitFor(`replica ${replica.id} holds every acknowledged write`, async () => {
      const listed = await listOn(set, replica, 'hostile');
      const names = new Set(listed.items.map((item) => item.name));
      return listed.status === 200 && [...writers.acknowledged.keys()].every((name) => names.has(name));
    }, 20_000);
  }
  t.pass(`${writers.acknowledged.size} acknowledged writes are on all three replicas`);
});
