// A replicated local cluster as a user drives it: `rudder up --apiservers 3`, status with each
// replica's Raft role, kubectl through the kubeconfig, `rudder apiserver add` and `remove`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { kubectl } from '../helpers/kubectl.js';
import { freePort, freePortRange } from '../../lib/process/ports.js';
import { until } from '../helpers/until.js';
import { alive, rudder } from '../helpers/rudder-cli.js';

// Three replicas take longer to start and stop than one.
const SLOW = { timeoutMs: 180_000 };

interface Status {
  apiservers: { name: string; url: string; pid: number; role: string; term: number; commitIndex: number; appliedIndex: number; healthy: boolean; replicaId: number }[];
  components: { name: string; pid: number; healthy: boolean }[];
}

function status(dataDir: string): Status {
  return JSON.parse(rudder(['status', '--data-dir', dataDir, '-o', 'json'], SLOW).stdout) as Status;
}

t.test('rudder up --apiservers 3, status, kubectl, apiserver add and remove, down', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'rudder-cli-replicas-'));
  t.teardown(() => {
    rudder(['down', '--data-dir', dataDir], SLOW);
    rmSync(dataDir, { recursive: true, force: true });
  });
  // Four consecutive ports each for HTTPS and for Raft (room for the replica added later).
  const port = await freePortRange(4);
  const peerPort = await freePortRange(4, [port, port + 1, port + 2, port + 3]);

  // 1. three replicas on consecutive ports, each with its own data dir, kubeconfig on the first
  const up = rudder(['up', '--nodes', '0', '--detach', '--apiservers', '3', '--data-dir', dataDir, '--port', String(port), '--peer-port', String(peerPort), '--scheduler-port', String(await freePort()), '--controller-manager-port', String(await freePort())], SLOW);
  t.equal(up.code, 0, up.stderr);
  const kubeconfig = join(dataDir, 'kubeconfig');
  const created = await kubectl('1.33', kubeconfig, ['create', 'configmap', 'hello', '--from-literal=a=b']);
  t.equal(created.code, 0, created.stderr);

  // 2. status shows each replica's role, term and indexes: one leader, two followers
  const report = status(dataDir);
  t.same(report.apiservers.map((a) => a.url), [0, 1, 2].map((i) => `https://127.0.0.1:${port + i}`));
  t.same(report.apiservers.map((a) => a.role).sort(), ['follower', 'follower', 'leader']);
  t.ok(report.apiservers.every((a) => a.healthy && a.term >= 1 && a.commitIndex > 0 && a.appliedIndex > 0 && a.pid > 0), 'every replica is healthy and reports its term and indexes');
  t.same(report.components.map((c) => c.name), ['apiserver-1', 'apiserver-2', 'apiserver-3', 'scheduler', 'controller-manager', 'dns']);
  const table = rudder(['status', '--data-dir', dataDir], SLOW).stdout;
  t.match(table, /^APISERVER\s+PID\s+ROLE\s+TERM\s+COMMIT\s+APPLIED\s+HEALTHY\s+URL$/m);
  t.match(table, /^apiserver-\d\s+\d+\s+leader\s+\d+\s+\d+\s+\d+\s+yes\s+https:/m);

  // 3. a fourth replica joins at run time and serves the same data
  const added = rudder(['apiserver', 'add', '--data-dir', dataDir], SLOW);
  t.equal(added.code, 0, added.stderr);
  t.match(added.stdout, 'Added apiserver replica 4');
  t.ok(await until(() => status(dataDir).apiservers.filter((a) => a.healthy).length === 4, 20_000), 'four healthy replicas');
  const fourth = status(dataDir).apiservers.find((a) => a.replicaId === 4)!;
  t.equal(fourth.url, `https://127.0.0.1:${port + 3}`, 'on the next port');
  const read = await kubectl('1.33', kubeconfig, ['--server', fourth.url, 'get', 'configmap', 'hello', '-o', 'jsonpath={.data.a}']);
  t.equal(read.stdout, 'b', 'the new replica serves what was written before it joined');

  // 4. removing it leaves three
  const removed = rudder(['apiserver', 'remove', '4', '--data-dir', dataDir], SLOW);
  t.equal(removed.code, 0, removed.stderr);
  t.same(status(dataDir).apiservers.map((a) => a.replicaId), [1, 2, 3]);
  const again = await kubectl('1.33', kubeconfig, ['create', 'configmap', 'after', '--from-literal=a=c']);
  t.equal(again.code, 0, again.stderr);

  // 5. down stops every replica
  const pids = status(dataDir).components.map((c) => c.pid);
  t.equal(rudder(['down', '--data-dir', dataDir], SLOW).code, 0);
  t.ok(await until(() => pids.every((pid) => !alive(pid)), 10_000, 50), 'no replica is left running');
});
