// The real kube-scheduler and kube-controller-manager (v1.36.3, built by ../shared/kube-peers) run
// against a Rudder apiserver for 30 s: no informer of a resource Rudder serves may fail to list or
// watch. Failures for resources Rudder does not serve are listed as comments. Skipped when the peer
// binaries are absent (build them with ../shared/kube-peers/build.sh). Not part of `npm test`
// (CI has no peer binaries): run it with `npm run test:peers`.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { startApiserver, type ApiserverProcess } from '../../lib/launch/apiserver-process.js';
import { RESOURCES } from '../../lib/api/resources.js';

const PEERS = process.env.RUDDER_KUBE_PEERS_BIN ?? join(homedir(), '.cache', 'kube-peers', 'bin');
const SCHEDULER = join(PEERS, 'kube-scheduler');
const CONTROLLER_MANAGER = join(PEERS, 'kube-controller-manager');
const missing = [SCHEDULER, CONTROLLER_MANAGER].filter((binary) => !existsSync(binary));
const RUN_MS = 30_000;

/** What the informers log when a list or watch fails: `failed to list *v1.CSIDriver: <reason>`. */
const FAILURE = /failed to (?:list|watch) \*(v\d\w*)\.(\w+): ([^"\n]*)/g;

interface PeerRun {
  child: ChildProcess;
  output: () => string;
}

function runPeer(binary: string, args: string[]): PeerRun {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return { child, output: () => out };
}

/** "version Kind: reason" of each informer failure, once each. */
function informerFailures(log: string): Map<string, string> {
  const failures = new Map<string, string>();
  for (const m of log.matchAll(FAILURE)) failures.set(`${m[1]} ${m[2]}`, m[3]!);
  return failures;
}

function served(versionKind: string): boolean {
  const [version, kind] = versionKind.split(' ');
  return RESOURCES.some((r) => r.version === version && r.kind === kind);
}

t.test('kube-scheduler and kube-controller-manager 1.36 list and watch every resource Rudder serves', { skip: missing.length > 0 && `no ${missing.join(', ')} (build ../shared/kube-peers)` }, async (t) => {
  let server: ApiserverProcess | undefined;
  const peers: PeerRun[] = [];
  t.teardown(async () => {
    for (const peer of peers) peer.child.kill('SIGTERM');
    await server?.stop();
  });
  // 1. an apiserver, and both peers against it
  server = await startApiserver();
  const common = ['--kubeconfig', server.kubeconfig, '--leader-elect=false', '--secure-port=0', '-v=2'];
  peers.push(runPeer(SCHEDULER, common));
  peers.push(runPeer(CONTROLLER_MANAGER, [...common, '--use-service-account-credentials=false', '--controllers=*']));

  // 2. let their informers list and watch
  await sleep(RUN_MS);
  const [scheduler, controllerManager] = peers as [PeerRun, PeerRun];
  for (const [name, peer] of [['kube-scheduler', scheduler], ['kube-controller-manager', controllerManager]] as const) {
    if (!t.equal(peer.child.exitCode, null, `${name} is still running`)) t.comment(peer.output().slice(-4000));
  }

  // 3. what failed to list or watch
  for (const [name, peer] of [['kube-scheduler', scheduler], ['kube-controller-manager', controllerManager]] as const) {
    const failures = informerFailures(peer.output());
    const ours = [...failures].filter(([what]) => served(what));
    t.same(ours, [], `${name}: informers of served resources that failed`);
    for (const [what, reason] of failures) if (!served(what)) t.comment(`${name}: ${what} is not served (${reason})`);
  }
  t.match(scheduler.output(), /Caches are synced|caches populated/i, 'the scheduler reports synced caches');
});
