// npm run soak -- --minutes 10: three apiserver replicas under mixed traffic from several clients
// — valid creates, updates, patches and deletes of ConfigMaps and Pods (every acknowledged write
// recorded), watches that reconnect in three formats, hostile bodies and patches, malformed HTTP,
// slow clients, oversized bodies and bad tokens — while one replica is SIGKILLed and restarted
// every minute. At the end every replica is checked for every acknowledged write. Prints a table,
// writes bench/results/soak.json, and exits non-zero if a replica exited on its own or an
// acknowledged write was lost. Options: --minutes N (10), --seed N (hostile traffic), --kill-every S (60).
import { setTimeout as sleep } from 'node:timers/promises';
import { startReplicaSet } from '../lib/launch/replica-set.js';
import { printTable, writeResults } from './lib/results.js';
import { finalCheck } from './soak/final-check.js';
import { startHostileClients } from './soak/hostile-clients.js';
import { ReplicaClients } from './soak/http.js';
import { startKiller } from './soak/killer.js';
import { Ledger } from './soak/ledger.js';
import { startRawAbuse } from './soak/raw-abuse.js';
import { startRssSampler } from './soak/rss.js';
import { Traffic } from './soak/traffic.js';
import { startValidClients } from './soak/valid-clients.js';
import { startWatchers } from './soak/watchers.js';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value <= 0) {
    process.stderr.write(`--${name} needs a positive number\n`);
    process.exit(2);
  }
  return value;
}

const MINUTES = option('minutes', 10);
const SEED = option('seed', Date.now() % 1_000_000);
const KILL_EVERY_SECONDS = option('kill-every', 60);
const NAMESPACE = 'soak';
const HOSTILE_NAMESPACE = 'soak-hostile';

const started = Date.now();
const log = (line: string): void => {
  process.stdout.write(`[${String(Math.round((Date.now() - started) / 1000)).padStart(4)} s] ${line}\n`);
};

log(`soak: 3 replicas for ${MINUTES} min, a replica killed every ${KILL_EVERY_SECONDS} s, hostile seed ${SEED}`);
// 1. three replicas and the namespaces the clients write in
const set = await startReplicaSet({ size: 3 });
const http = new ReplicaClients(set);
const ledger = new Ledger();
const traffic = new Traffic();
let exitCode = 0;
try {
  await set.leader(30_000);
  for (const name of [NAMESPACE, HOSTILE_NAMESPACE]) {
    const outcome = await http.send(set.replicas[0]!.id, { method: 'POST', path: '/api/v1/namespaces', body: JSON.stringify({ metadata: { name } }) });
    if (outcome.kind !== 'answer' || outcome.status !== 201) throw new Error(`creating namespace ${name}: ${outcome.kind === 'answer' ? outcome.status : outcome.error}`);
  }

  // 2. traffic of every kind, the RSS sampler and the killer
  const rss = startRssSampler(set, 3000, started);
  const valid = startValidClients({ clients: 4, keysPerClient: 25, namespace: NAMESPACE, http, ledger, traffic });
  const watchers = startWatchers(set, NAMESPACE, ['configmaps', 'pods'], ['json', 'msgpack', 'protobuf']);
  const hostile = startHostileClients({ http, ledger, traffic, seed: SEED, namespace: HOSTILE_NAMESPACE });
  const abuse = startRawAbuse(set, http, traffic);
  const killer = startKiller(set, { intervalMs: KILL_EVERY_SECONDS * 1000, downMs: 5000, started, log });

  const end = started + MINUTES * 60_000;
  while (Date.now() < end) {
    await sleep(Math.min(60_000, end - Date.now()));
    const memory = [...rss.stats.entries()].map(([id, s]) => `${id}: ${s.lastMiB} MiB`).join(', ');
    log(`${traffic.total()} requests, ${ledger.size} objects in the ledger, ${watchers.stats.events} watch events, ${killer.kills.length} kills, ${killer.unexpected.length} unexpected exits; RSS ${memory}`);
  }

  // 3. stop the traffic (the killer first, so no replica is down for the checks)
  await killer.stop();
  await Promise.all([valid.stop(), hostile.stop(), abuse.stop(), watchers.stop()]);
  await rss.stop();
  for (const replica of set.replicas) {
    const child = replica.process.child;
    if (child.exitCode !== null || child.signalCode !== null) await replica.process.restart();
  }
  await set.leader(60_000);

  // 4. every replica holds every acknowledged write
  const verdicts = await finalCheck(set, http, ledger, log);
  const lost = verdicts.reduce((n, v) => n + v.lost.length, 0);
  const unreadable = verdicts.reduce((n, v) => n + v.unreadable.length, 0);
  const seconds = Math.round((Date.now() - started) / 1000);

  process.stdout.write('\nrequests by class and answer\n');
  printTable([['class', 'requests', 'answers'], ...Object.entries(traffic.toJSON()).map(([klass, codes]) => [klass, Object.values(codes).reduce((a, b) => a + b, 0), Object.entries(codes).map(([c, n]) => `${c}×${n}`).join(' ')])]);
  process.stdout.write('\nreplicas\n');
  printTable([
    ['replica', 'RSS min MiB', 'RSS max MiB', 'RSS last MiB', 'kills', 'unexpected exits'],
    ...set.replicas.map((r) => {
      const s = rss.stats.get(r.id);
      return [r.id, s?.minMiB ?? '-', s?.maxMiB ?? '-', s?.lastMiB ?? '-', killer.kills.filter((k) => k.replica === r.id).length, killer.unexpected.filter((u) => u.replica === r.id).length];
    }),
  ]);
  process.stdout.write('\n');
  printTable([
    ['duration', `${seconds} s`],
    ['requests', traffic.total()],
    ['5xx: 503 (no quorum / election)', traffic.fiveHundreds.unavailable503],
    ['5xx: 504 (timed out)', traffic.fiveHundreds.timeout504],
    ['5xx: other (server faults)', traffic.fiveHundreds.other],
    ['kills (of the leader)', `${killer.kills.length} (${killer.kills.filter((k) => k.wasLeader).length})`],
    ['unexpected exits', killer.unexpected.length],
    ['watch events / connections / relists', `${watchers.stats.events} / ${watchers.stats.connections} / ${watchers.stats.relists}`],
    ['watch events out of order / undecodable', `${watchers.stats.outOfOrder} / ${watchers.stats.undecodable}`],
    ['objects checked per replica', ledger.size],
    ['lost writes (all replicas, both read modes)', lost],
  ]);
  for (const sample of traffic.fiveHundreds.samples.slice(0, 5)) process.stdout.write(`unexpected 5xx: ${sample}\n`);
  for (const exit of killer.unexpected) process.stdout.write(`replica ${exit.replica} exited at ${exit.atSeconds} s (code ${exit.code}, signal ${exit.signal}):\n${exit.outputTail}\n`);
  for (const verdict of verdicts) for (const problem of verdict.lost.slice(0, 10)) process.stdout.write(`lost on replica ${verdict.replica} (${verdict.mode}): ${problem.path}: ${problem.problem}\n`);

  const path = writeResults('soak', {
    minutes: MINUTES,
    seed: SEED,
    durationSeconds: seconds,
    killEverySeconds: KILL_EVERY_SECONDS,
    requests: traffic.total(),
    requestsByClass: traffic.toJSON(),
    fiveHundreds: traffic.fiveHundreds,
    kills: killer.kills,
    restartFailures: killer.restartFailures,
    unexpectedExits: killer.unexpected,
    rssMiB: Object.fromEntries([...rss.stats.entries()].map(([id, s]) => [`replica-${id}`, s])),
    rssSeries: rss.series,
    watches: watchers.stats,
    ledgerObjects: ledger.size,
    verdicts: verdicts.map((v) => ({ ...v, lost: v.lost.slice(0, 50) })),
    lostWrites: lost,
    unreadableCollections: unreadable,
  });
  process.stdout.write(`\nwrote ${path}\n`);
  if (killer.unexpected.length > 0 || lost > 0 || unreadable > 0) exitCode = 1;
} catch (error) {
  process.stderr.write(`soak failed: ${(error as Error).stack ?? String(error)}\n`);
  exitCode = 1;
} finally {
  await http.close();
  await set.stop();
}
process.exit(exitCode);
