// `rudder up` checks before it starts anything, as kubeadm's preflight does: each problem is one
// line naming the check, what is wrong and what to do, the command fails, and nothing was started
// or made. Provoked here without harming the host: a port in use, a data dir held by a running
// cluster (and by the components of a supervisor that was killed), and containerd missing from PATH.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { freePort } from '../../lib/process/ports.js';
import { localNodesSkip } from '../helpers/local-nodes.js';
import { alive, CLI, rudder, upWithSimNodes } from '../helpers/rudder-cli.js';
import { until } from '../helpers/until.js';

/** The preflight's lines of a run's stderr. */
function preflightLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.startsWith('rudder: [preflight]'));
}

function listen(host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host, port }, () => resolve(server));
  });
}

/** Where `command` is on this PATH, or undefined. */
function commandPath(command: string): string | undefined {
  return spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).stdout.trim() || undefined;
}

function scratchDir(t: Test, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

t.test('a port in use: one line naming the port and the flag that moves it; nothing starts', async (t) => {
  const port = await freePort();
  const server = await listen('127.0.0.1', port);
  t.teardown(() => server.close());
  const dataDir = join(scratchDir(t, 'rudder-preflight-'), 'cluster');
  const up = rudder(['up', '--nodes', '0', '--detach', '--data-dir', dataDir, '--port', String(port)]);
  t.equal(up.code, 1);
  t.same(preflightLines(up.stderr), [
    `rudder: [preflight] Port-${port}: port ${port} on 127.0.0.1 is already in use (another cluster?): stop what listens there, or choose another port with --port.`,
    `rudder: [preflight] nothing was started. To go on anyway: --ignore-preflight-errors=Port-${port}`,
  ]);
  t.notOk(existsSync(dataDir), 'the data dir was not even made');
});

t.test('a data dir held by a running cluster, or by what a killed supervisor left running', async (t) => {
  // 1. a running cluster
  const { up, dataDir, kubeconfig } = await upWithSimNodes(t, 0);
  t.equal(up.code, 0, up.stderr);
  const status = JSON.parse(rudder(['status', '--data-dir', dataDir, '-o', 'json']).stdout) as { components: { name: string; pid: number; url: string }[] };
  const apiserverPort = new URL(status.components.find((c) => c.name === 'apiserver')!.url).port;

  // 2. up on its data dir is refused, saying how to use it or stop it
  const again = rudder(['up', '--nodes', '0', '--detach', '--data-dir', dataDir, '--port', String(await freePort())]);
  t.equal(again.code, 1);
  const [held] = preflightLines(again.stderr);
  t.match(held, `rudder: [preflight] DataDirAvailable: ${dataDir} holds a running cluster (supervisor pid `);
  t.match(held, `export KUBECONFIG=${kubeconfig}`);
  t.match(held, `rudder down --data-dir ${dataDir}`);

  // 3. up elsewhere on its apiserver's port is refused too
  const otherDir = join(scratchDir(t, 'rudder-preflight-'), 'other');
  const samePort = rudder(['up', '--nodes', '0', '--detach', '--data-dir', otherDir, '--port', apiserverPort]);
  t.equal(samePort.code, 1);
  t.match(preflightLines(samePort.stderr)[0], `Port-${apiserverPort}: port ${apiserverPort} on 127.0.0.1 is already in use`);
  t.notOk(existsSync(otherDir), 'nothing was made for it');

  // 4. with the supervisor killed its components still run: up names them and says to run down
  const state = JSON.parse(rudder(['status', '--data-dir', dataDir, '-o', 'json']).stdout) as { components: { pid: number }[] };
  const supervisorPid = Number(/supervisor pid (\d+)/.exec(held ?? '')?.[1]);
  process.kill(supervisorPid, 'SIGKILL');
  t.ok(await until(() => !alive(supervisorPid), 10_000, 50), 'the supervisor is gone');
  const orphaned = rudder(['up', '--nodes', '0', '--detach', '--data-dir', dataDir, '--port', String(await freePort())]);
  t.equal(orphaned.code, 1);
  t.match(preflightLines(orphaned.stderr)[0], /DataDirAvailable: processes of an earlier run from .* still run \(apiserver pid \d+, .*\): stop them with `rudder down --data-dir /);
  t.equal(rudder(['down', '--data-dir', dataDir]).code, 0);
  t.ok(state.components.every((c) => !alive(c.pid)), 'down stopped them');
});

t.test('real nodes asked for without containerd on PATH: the missing binary and its package', { skip: process.platform === 'linux' ? false : 'real nodes need Linux' }, async (t) => {
  // a PATH with every tool the nodes need but containerd
  const dir = scratchDir(t, 'rudder-preflight-path-');
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  for (const command of ['ip', 'nsenter', 'ctr', 'runc', 'iptables-restore']) {
    const path = commandPath(command);
    if (path) symlinkSync(path, join(bin, command));
  }
  const dataDir = join(dir, 'cluster');
  const up = rudder(['up', '--nodes', '2', '--detach', '--data-dir', dataDir, '--port', String(await freePort()), '--node-subnet', '10.213.251.0/24'], { env: { ...process.env, PATH: bin } });
  t.equal(up.code, 1);
  const lines = preflightLines(up.stderr);
  t.ok(lines.includes('rudder: [preflight] FileExisting-containerd: real nodes (--nodes 2) need containerd (containerd) on PATH: install it: apt-get install containerd.'), up.stderr);
  // where real nodes can run, containerd is the only thing missing
  if (!localNodesSkip()) t.same(lines.slice(1), ['rudder: [preflight] nothing was started. To go on anyway: --ignore-preflight-errors=FileExisting-containerd']);
  t.notOk(existsSync(dataDir), 'nothing was made: no data dir');
});

t.test('a node network another cluster holds: named with the interface that has its address', { skip: process.getuid?.() === 0 ? false : 'needs root, to give an address to a link in a network namespace of its own' }, async (t) => {
  // in a network namespace of the test's own, so the host's links are untouched: a link holding the node subnet's first address
  const dataDir = join(scratchDir(t, 'rudder-preflight-'), 'cluster');
  const script = [
    'ip link add held0 type bridge', 'ip addr add 10.213.252.1/24 dev held0', 'ip link set held0 up',
    `exec "${process.execPath}" "${CLI}" up --nodes 2 --node-subnet 10.213.252.0/24 --detach --data-dir "${dataDir}" --port 6443`,
  ].join(' && ');
  const up = spawnSync('unshare', ['--net', 'sh', '-c', script], { encoding: 'utf8', timeout: 60_000 });
  t.equal(up.status, 1, up.stderr);
  t.ok(preflightLines(up.stderr).includes('rudder: [preflight] NodeSubnetAvailable: the node network 10.213.252.0/24 is in use: held0 has 10.213.252.1 (another cluster with nodes?): choose another with --node-subnet, or run it with --nodes 0.'), up.stderr);
  t.notOk(existsSync(dataDir), 'nothing was made');
});
