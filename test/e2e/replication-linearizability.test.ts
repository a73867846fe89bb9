// Linearizability of the replicated apiserver, checked by porcupine (tools/linearizability, in
// Go): concurrent clients read, write and compare-and-swap a few ConfigMaps through random
// replicas while the leader is killed, isolated, or a follower is paused. Every history must
// check as linearizable; a failing one is saved with its seed under .ci/out/linearizability/.
// The checker itself is first shown to reject histories that are not linearizable.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { startReplicaSet, type ReplicaSet } from '../../lib/launch/replica-set.js';
import { seededRandom } from '../../lib/sched/framework/random.js';
import { ROOT } from '../helpers/paths.js';
import { rest } from '../helpers/rest.js';
import { target } from '../helpers/replicas.js';

const SEEDS = Number(process.env.RUDDER_LINEARIZABILITY_SEEDS ?? 8);
const RUN_MS = 4000;
const CLIENTS = 6;
const KEYS = 3;

interface Op {
  client: number;
  op: 'read' | 'write' | 'cas';
  key: string;
  value: string;
  expected: string;
  ok: boolean;
  unknown: boolean;
  call: number;
  return: number;
}

function goBinary(): string {
  const found = spawnSync('go', ['version']);
  if (found.status === 0) return 'go';
  return '/usr/local/go/bin/go';
}

const work = mkdtempSync(join(tmpdir(), 'rudder-linearizability-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));
const checker = join(work, 'linearizability-check');

function check(operations: Op[], name: string): { code: number; output: string; file: string } {
  const file = join(work, `${name}.json`);
  writeFileSync(file, JSON.stringify({ operations }));
  const result = spawnSync(checker, ['-visualize', join(work, `${name}.html`), file], { encoding: 'utf8' });
  return { code: result.status ?? -1, output: `${result.stdout}${result.stderr}`, file };
}

const started = process.hrtime.bigint();
const now = (): number => Number(process.hrtime.bigint() - started);

/** One HTTPS call with a client-side deadline; undefined when no answer came. */
function call(set: ReplicaSet, id: number, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; json: Record<string, unknown> } | undefined> {
  const replica = set.replica(id);
  return new Promise((resolve) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(`${replica.url}${path}`, {
      method,
      ca: set.caPem,
      timeout: 5000,
      headers: { authorization: `Bearer ${set.token}`, accept: 'application/json', ...(payload ? { 'content-type': contentType } : {}) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> });
        } catch {
          resolve(undefined);
        }
      });
      res.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    if (payload) req.write(payload);
    req.end();
  });
}

async function runClient(set: ReplicaSet, alive: () => number[], client: number, rand: () => number, keys: string[], until: number, history: Op[]): Promise<void> {
  let n = 0;
  const seen = new Map<string, string>();
  while (Date.now() < until) {
    const ids = alive();
    const id = ids[Math.floor(rand() * ids.length)]!;
    const key = keys[Math.floor(rand() * keys.length)]!;
    const path = `/api/v1/namespaces/lin/configmaps/${key}`;
    const choice = rand();
    const op: Op = { client, op: 'read', key, value: '', expected: '', ok: false, unknown: false, call: now(), return: 0 };
    if (choice < 0.4) {
      const res = await call(set, id, 'GET', path);
      op.return = now();
      if (res?.status !== 200) continue;
      op.value = ((res.json.data as Record<string, string> | undefined) ?? {}).v ?? '';
      seen.set(key, op.value);
    } else if (choice < 0.7) {
      op.op = 'write';
      op.value = `${client}-${n++}`;
      const res = await call(set, id, 'PUT', path, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: key, namespace: 'lin' }, data: { v: op.value } });
      op.return = now();
      if (res === undefined || res.status === 503 || res.status >= 500) op.unknown = true;
      else if (res.status !== 200) continue; // refused before it could take effect
    } else {
      op.op = 'cas';
      op.expected = seen.get(key) ?? '';
      op.value = `${client}-${n++}`;
      const patch = [
        { op: 'test', path: '/data/v', value: op.expected },
        { op: 'replace', path: '/data/v', value: op.value },
      ];
      const res = await call(set, id, 'PATCH', path, patch, 'application/json-patch+json');
      op.return = now();
      if (res === undefined || res.status >= 500) op.unknown = true;
      else if (res.status === 200) op.ok = true;
      else if (res.status === 422) op.ok = false;
      else continue;
    }
    history.push(op);
  }
}

t.test('the checker rejects histories that are not linearizable', async (t) => {
  execFileSync(goBinary(), ['build', '-o', checker, '.'], { cwd: join(ROOT, 'tools', 'linearizability'), stdio: 'pipe' });
  const op = (o: Partial<Op>): Op => ({ client: 0, op: 'read', key: 'k', value: '', expected: '', ok: false, unknown: false, call: 0, return: 0, ...o });
  const staleRead = [op({ op: 'write', value: 'a', call: 0, return: 10 }), op({ client: 1, op: 'read', value: '', call: 20, return: 30 })];
  t.equal(check(staleRead, 'known-bad-stale-read').code, 1, 'a read that misses an acknowledged write is a violation');
  const doubleSwap = [
    op({ op: 'cas', expected: '', value: 'a', ok: true, call: 0, return: 50 }),
    op({ client: 1, op: 'cas', expected: '', value: 'b', ok: true, call: 0, return: 50 }),
  ];
  t.equal(check(doubleSwap, 'known-bad-double-cas').code, 1, 'two swaps from the same value cannot both succeed');
  const lostUnknown = [op({ op: 'write', value: 'a', unknown: true, call: 0, return: 5 }), op({ client: 1, op: 'read', value: 'a', call: 20, return: 30 })];
  t.equal(check(lostUnknown, 'known-good-unknown-write').code, 0, 'a write with an unknown outcome may have happened');
  const concurrent = [
    op({ op: 'write', value: 'a', call: 0, return: 100 }),
    op({ client: 1, op: 'read', value: 'a', call: 10, return: 20 }),
    op({ client: 2, op: 'cas', expected: 'a', value: 'b', ok: true, call: 30, return: 40 }),
    op({ client: 1, op: 'read', value: 'b', call: 50, return: 60 }),
  ];
  t.equal(check(concurrent, 'known-good-concurrent').code, 0, 'a concurrent, valid history passes');
});

t.test(`${SEEDS} seeded runs under faults: 0 violations`, async (t) => {
  if (!existsSync(checker)) {
    t.fail('the checker did not build');
    return;
  }
  // 1. three replicas; ConfigMaps to work on
  const set = await startReplicaSet({ size: 3, electionTimeout: '1s', requestTimeout: '1s' });
  t.teardown(() => set.stop());
  const leader = await set.leader();
  t.equal((await rest(target(set, leader), 'POST', '/api/v1/namespaces', { metadata: { name: 'lin' } })).status, 201);
  const failures: string[] = [];
  let checked = 0;
  for (let seed = 1; seed <= SEEDS; seed++) {
    // 2. fresh keys for this run, all starting empty
    const keys = Array.from({ length: KEYS }, (_, k) => `s${seed}-k${k}`);
    for (const key of keys) {
      const created = await rest(target(set, (await set.leader()).id), 'POST', '/api/v1/namespaces/lin/configmaps', { metadata: { name: key }, data: { v: '' } });
      t.equal(created.status, 201, `key ${key} created`);
    }
    // 3. clients run while the seed's fault happens halfway
    const down = new Set<number>();
    const alive = (): number[] => set.replicas.map((r) => r.id).filter((id) => !down.has(id));
    const history: Op[] = [];
    const until = Date.now() + RUN_MS;
    const clients = Array.from({ length: CLIENTS }, (_, c) => runClient(set, alive, c, seededRandom(seed * 100 + c), keys, until, history));
    const fault = (async () => {
      await sleep(RUN_MS / 3);
      const current = await set.leader(10_000).catch(() => undefined);
      if (!current) return 'no leader';
      const follower = set.replicas.find((r) => r.id !== current.id)!;
      switch (seed % 4) {
        case 1:
          down.add(current.id);
          await current.process.kill('SIGKILL');
          await sleep(RUN_MS / 3);
          await current.process.restart();
          down.delete(current.id);
          return `killed leader ${current.id}`;
        case 2:
          await set.isolate(current.id);
          await sleep(RUN_MS / 3);
          await set.heal();
          return `isolated leader ${current.id}`;
        case 3:
          follower.process.child.kill('SIGSTOP');
          await sleep(RUN_MS / 3);
          follower.process.child.kill('SIGCONT');
          return `paused follower ${follower.id}`;
        default:
          return 'no fault';
      }
    })();
    const [what] = await Promise.all([fault, ...clients]);
    // 4. check the history
    const result = check(history, `seed-${seed}`);
    const known = history.filter((o) => !o.unknown).length;
    t.equal(result.code, 0, `seed ${seed} (${String(what)}): ${history.length} operations (${known} with known outcomes) ${result.output.trim()}`);
    checked++;
    if (result.code !== 0) {
      const saved = join(ROOT, '.ci', 'out', 'linearizability');
      mkdirSync(saved, { recursive: true });
      copyFileSync(result.file, join(saved, `seed-${seed}.json`));
      if (existsSync(join(work, `seed-${seed}.html`))) copyFileSync(join(work, `seed-${seed}.html`), join(saved, `seed-${seed}.html`));
      failures.push(`seed ${seed}: history saved in ${saved}`);
    }
    await set.heal();
    await set.leader(15_000);
  }
  t.same(failures, [], `${checked} runs, 0 violations`);
});
