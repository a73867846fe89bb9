// `rudder snapshot save` while clients keep writing, then `rudder snapshot restore` into a new
// data directory and `rudder up` from it: every ConfigMap whose create was acknowledged before the
// save started is in the restored cluster, with its data; restore refuses a directory that holds a
// cluster and a file that is not a snapshot.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t, { type Test } from 'tap';
import type { ConfigMap } from 'kubernetes-types/core/v1.js';
import { findResource } from '../../lib/api/resources.js';
import { loadKubeconfig } from '../../lib/client/kubeconfig.js';
import { RestClient } from '../../lib/client/rest-client.js';
import { freePort } from '../../lib/process/ports.js';
import { CLI, rudder } from '../helpers/rudder-cli.js';

const CONFIGMAPS = findResource('', 'v1', 'configmaps')!;
const run = promisify(execFile);

async function up(t: Test, dataDir: string): Promise<RestClient> {
  const args = ['up', '--nodes', '0', '--detach', '--data-dir', dataDir, '--port', String(await freePort()), '--scheduler-port', String(await freePort()), '--controller-manager-port', String(await freePort())];
  const started = rudder(args);
  t.equal(started.code, 0, started.stderr);
  const client = new RestClient(loadKubeconfig(join(dataDir, 'kubeconfig')));
  t.teardown(() => client.close());
  return client;
}

t.test('a snapshot saved during writes restores every acknowledged write into a new cluster', async (t) => {
  const first = mkdtempSync(join(tmpdir(), 'rudder-snap-a-'));
  const second = mkdtempSync(join(tmpdir(), 'rudder-snap-b-'));
  const file = join(mkdtempSync(join(tmpdir(), 'rudder-snap-file-')), 'cluster.snapshot');
  t.teardown(() => {
    for (const dir of [first, second]) {
      rudder(['down', '--data-dir', dir]);
      rmSync(dir, { recursive: true, force: true });
    }
    rmSync(join(file, '..'), { recursive: true, force: true });
  });

  const client = await up(t, first);
  const acknowledged: string[] = [];
  let writing = true;
  let next = 0;
  const writers = Array.from({ length: 8 }, async () => {
    while (writing) {
      const name = `cm-${next++}`;
      await client.create(CONFIGMAPS, { metadata: { name }, data: { name } }, { namespace: 'default' });
      acknowledged.push(name);
    }
  });
  while (acknowledged.length < 300) await new Promise((resolve) => setTimeout(resolve, 20));
  // Everything acknowledged before the save starts must come back; writes go on during it.
  const before = [...acknowledged];
  const saved = await run(process.execPath, [CLI, 'snapshot', 'save', file, '--data-dir', first]);
  t.match(saved.stdout, /Saved the store at revision \d+ \(\d+ bytes\) to /);
  const during = acknowledged.length - before.length;
  writing = false;
  await Promise.all(writers);
  t.ok(during >= 0, `${during} writes were acknowledged while the save ran`);

  const busy = rudder(['snapshot', 'restore', file, '--data-dir', first]);
  t.not(busy.code, 0, 'restore refuses the directory of a running cluster');
  t.match(busy.stderr, /a cluster is running from/);
  t.equal(rudder(['down', '--data-dir', first]).code, 0);
  const holds = rudder(['snapshot', 'restore', file, '--data-dir', first]);
  t.not(holds.code, 0, "restore refuses a directory that holds a cluster's store");
  t.match(holds.stderr, /already holds a cluster's store/);
  const junk = join(second, 'junk');
  writeFileSync(junk, 'not a snapshot');
  const refused = rudder(['snapshot', 'restore', junk, '--data-dir', join(second, 'x')]);
  t.not(refused.code, 0, 'a file that is not a snapshot is refused');
  t.match(refused.stderr, /not a Rudder store snapshot/);

  const restored = rudder(['snapshot', 'restore', file, '--data-dir', second]);
  t.equal(restored.code, 0, restored.stderr);
  t.match(restored.stdout, /Restored the store at revision \d+/);
  const after = await up(t, second);
  const listed = await after.listAll<ConfigMap>(CONFIGMAPS, { namespace: 'default' });
  const names = new Map(listed.items.map((cm) => [cm.metadata?.name ?? '', cm.data?.name]));
  const missing = before.filter((name) => names.get(name) !== name);
  t.same(missing, [], `all ${before.length} ConfigMaps acknowledged before the save are in the restored cluster with their data`);
  t.ok(listed.items.length >= before.length, `${listed.items.length} ConfigMaps restored`);
  const made = await after.create<ConfigMap>(CONFIGMAPS, { metadata: { name: 'after-restore' } }, { namespace: 'default' });
  t.ok(Number(made.metadata?.resourceVersion) > 0, 'the restored cluster takes new writes');
});
