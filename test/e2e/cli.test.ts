// The local-cluster lifecycle a user drives: `rudder up --detach`, status, kubectl through the
// written kubeconfig, `rudder down`; and `rudder up` in the foreground stopped with Ctrl-C.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { kubectl } from '../helpers/kubectl.js';
import { until } from '../helpers/until.js';
import { freePort } from '../../lib/process/ports.js';
import { CLI, rudder, alive } from '../helpers/rudder-cli.js';

t.test('rudder up --detach, status, kubectl, down', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'rudder-cli-'));
  t.teardown(() => {
    rudder(['down', '--data-dir', dataDir]);
    rmSync(dataDir, { recursive: true, force: true });
  });
  const port = await freePort();

  // 1. up returns once ready and says how to use the cluster
  const schedulerPort = String(await freePort());
  const controllerManagerPort = String(await freePort());
  const up = rudder(['up', '--nodes', '0', '--detach', '--data-dir', dataDir, '--port', String(port), '--scheduler-port', schedulerPort, '--controller-manager-port', controllerManagerPort]);
  t.equal(up.code, 0, up.stderr);
  const kubeconfig = join(dataDir, 'kubeconfig');
  t.match(up.stdout, `export KUBECONFIG=${kubeconfig}`);
  t.ok(existsSync(kubeconfig));

  // 2. kubectl works with the written kubeconfig, context "rudder"
  const context = await kubectl('1.33', kubeconfig, ['config', 'current-context']);
  t.equal(context.stdout.trim(), 'rudder');
  const namespaces = await kubectl('1.33', kubeconfig, ['get', 'namespaces', '-o', 'name']);
  t.equal(namespaces.code, 0, namespaces.stderr);
  t.match(namespaces.stdout, 'namespace/default');

  // 3. status lists every component as healthy, in JSON and as a table
  const status = rudder(['status', '--data-dir', dataDir, '-o', 'json']);
  t.equal(status.code, 0, status.stderr);
  const report = JSON.parse(status.stdout) as { components: { name: string; pid: number; healthy: boolean }[]; apiservers: { url: string; healthy: boolean }[] };
  t.same(report.components.map((c) => [c.name, c.healthy]), [['apiserver', true], ['scheduler', true], ['controller-manager', true], ['dns', true]]);
  t.match(report.apiservers, [{ url: `https://127.0.0.1:${port}`, healthy: true }]);
  const pids = report.components.map((c) => c.pid);
  const table = rudder(['status', '--data-dir', dataDir]).stdout;
  t.match(table, /^apiserver\s+\d+\s+yes\s+0\s+https:/m);
  t.match(table, /^scheduler\s+\d+\s+yes\s+0\s+https:/m);
  t.match(table, /^controller-manager\s+\d+\s+yes\s+0\s+https:/m);
  t.match(table, /^dns\s+\d+\s+yes\s+0\s+http:/m);

  // 3b. the controller-manager makes a Deployment real: its ReplicaSet and pods appear
  const created = await kubectl('1.33', kubeconfig, ['create', 'deployment', 'web', '--image=nginx', '--replicas=2']);
  t.equal(created.code, 0, created.stderr);
  const listed = await until(async () => (await kubectl('1.33', kubeconfig, ['get', 'pods', '-l', 'app=web', '-o', 'name'])).stdout.trim().split('\n').filter(Boolean).length === 2, 20_000);
  t.ok(listed, 'the Deployment has its 2 pods');

  // 4. a second up on the same data dir is refused before it starts anything, saying how to use or stop the running one
  const again = rudder(['up', '--nodes', '0', '--detach', '--data-dir', dataDir, '--port', String(port), '--scheduler-port', schedulerPort, '--controller-manager-port', controllerManagerPort]);
  t.equal(again.code, 1);
  t.match(again.stderr, `[preflight] DataDirAvailable: ${dataDir} holds a running cluster`);
  t.match(again.stderr, `export KUBECONFIG=${kubeconfig}`);

  // 5. down stops every process
  const down = rudder(['down', '--data-dir', dataDir]);
  t.equal(down.code, 0, down.stderr);
  t.ok(pids.every((pid) => !alive(pid)), 'no component is left running');
  t.equal(rudder(['status', '--data-dir', dataDir]).code, 1, 'status says nothing runs');
});

t.test('rudder up in the foreground stops everything on Ctrl-C', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'rudder-cli-fg-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const port = await freePort();
  const child = spawn(process.execPath, [CLI, 'up', '--nodes', '0', '--data-dir', dataDir, '--port', String(port), '--scheduler-port', String(await freePort()), '--controller-manager-port', String(await freePort())], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + 60_000;
  while (!output.includes('Press Ctrl-C to stop.') && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
  t.match(output, 'Press Ctrl-C to stop.');
  const status = JSON.parse(rudder(['status', '--data-dir', dataDir, '-o', 'json']).stdout) as { components: { pid: number; healthy: boolean }[] };
  t.ok(status.components.every((c) => c.healthy));

  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  t.equal(code, 0, output);
  t.ok(status.components.every((c) => !alive(c.pid)), 'the components stopped with it');
  t.notOk(existsSync(join(dataDir, 'cluster.json')), 'no stale state is left');
});
