// The watch bus against a real apiserver process publishing to a real redis-server:
// etcd's robustness watch checks on both buses under concurrent writers (ordered, unique,
// atomic per revision, resumable from any resourceVersion, reliable, consistent with
// bookmarks), per-node pod streams matching the server-side selector, and what must happen when
// things break: a stream trimmed below a reader, a Redis restart without persistence, and the
// apiserver killed and restarted on the same data.
import { Writable } from 'node:stream';
import t from 'tap';
import { pino } from 'pino';
import type { KubeObject } from '../../lib/api/object.js';
import { findResource } from '../../lib/api/resources.js';
import { isWatchGone, type BusEvent, type BusWatch, type BusWatchRequest, type WatchBus } from '../../lib/bus/bus.js';
import { HttpBus } from '../../lib/bus/http-bus.js';
import { RedisBus } from '../../lib/bus/redis-bus.js';
import { Informer } from '../../lib/client/informer.js';
import { RestClient } from '../../lib/client/rest-client.js';
import { startApiserver, type ApiserverProcess } from '../../lib/launch/apiserver-process.js';
import { redisServerInstalled, startRedis, type RedisProcess } from '../../lib/launch/redis-process.js';
import { collect, recordChanges, type Seen } from '../helpers/bus-recorder.js';
import { until } from '../helpers/until.js';

const CONFIGMAPS = findResource('', 'v1', 'configmaps')!;
const PODS = findResource('', 'v1', 'pods')!;
const NAMESPACES = findResource('', 'v1', 'namespaces')!;
const MAX_LEN = 400;
const silent = pino({ level: 'silent' });

if (!redisServerInstalled()) {
  if (process.env.RUDDER_CI) throw new Error('redis-server is not installed (apt-get install redis-server)');
  t.pass('skipped: redis-server is not installed');
} else {
  let redis: RedisProcess;
  let api: ApiserverProcess;
  let client: RestClient;

  t.before(async () => {
    // Small stream nodes so approximate trimming lands close to MAX_LEN.
    redis = await startRedis(['--stream-node-max-entries', '16']);
    api = await startApiserver({
      extraArgs: ['--bus', 'redis', '--redis-url', redis.url, '--redis-stream-max-len', String(MAX_LEN), '--watch-bookmark-interval', '1s', '--log-level', 'info'],
    });
    client = RestClient.fromKubeconfig(api.kubeconfig, { encoding: 'msgpack', qps: 0, backoff: { initialMs: 100, maxMs: 1000, jitter: 0.2 } });
  });
  t.teardown(async () => {
    await client?.close();
    await api?.stop();
    await redis?.stop();
  });

  async function namespace(name: string): Promise<void> {
    await client.create(NAMESPACES, { metadata: { name } });
  }

  async function listRv(ns: string): Promise<number> {
    return Number((await client.list(CONFIGMAPS, { namespace: ns })).metadata.resourceVersion);
  }

  /** Each writer creates, updates and deletes its own configmaps; returns what the server acknowledged. */
  async function write(ns: string, writer: number, ops: number): Promise<Seen[]> {
    const acked: Seen[] = [];
    for (let i = 0; i < ops; i++) {
      const name = `w${writer}-${i % 5}`;
      const existing = await client.get(CONFIGMAPS, { namespace: ns, name }).catch(() => undefined);
      if (!existing) {
        const made = await client.create(CONFIGMAPS, { metadata: { name, namespace: ns }, data: { i: String(i) } });
        acked.push({ type: 'ADDED', name, rv: Number(made.metadata?.resourceVersion) });
      } else if (i % 3 === 0) {
        const gone = await client.delete(CONFIGMAPS, { namespace: ns, name });
        acked.push({ type: 'DELETED', name, rv: Number(gone.metadata?.resourceVersion) });
      } else {
        const changed = await client.patch(CONFIGMAPS, { namespace: ns, name }, { data: { i: String(i) } });
        acked.push({ type: 'MODIFIED', name, rv: Number(changed.metadata?.resourceVersion) });
      }
    }
    return acked;
  }

  t.test('robustness checks on both buses under concurrent writers', async (t) => {
    const ns = 'robust';
    await namespace(ns);
    const buses: Record<string, WatchBus> = { http: new HttpBus(client), redis: new RedisBus({ url: redis.url, log: silent, bookmarkIntervalMs: 500 }) };
    t.teardown(() => Promise.all(Object.values(buses).map((b) => b.close())));
    const startRv = await listRv(ns);
    const request = (rv: number): BusWatchRequest => ({ resource: CONFIGMAPS, namespace: ns, resourceVersion: String(rv), bookmarks: true });

    // 1. a watch per bus from the start, then eight writers at once
    const watches = Object.fromEntries(Object.entries(buses).map(([kind, bus]) => [kind, bus.watch(request(startRv))]));
    const seen = Object.fromEntries(Object.entries(watches).map(([kind, watch]) => [kind, collect(watch)]));
    const acked = (await Promise.all(Array.from({ length: 8 }, (_, w) => write(ns, w, 40)))).flat().sort((a, b) => a.rv - b.rv);
    const lastRv = acked.at(-1)!.rv;

    for (const [kind, got] of Object.entries(seen)) {
      t.test(`${kind} bus`, async (t) => {
        t.ok(await until(() => got.events.some((e) => e.rv >= lastRv)), 'caught up with the writers');
        t.ok(await until(() => got.bookmarks.some((b) => b.after === got.events.length), 5000), 'a bookmark followed the last event');
        watches[kind]!.close();
        await got.done;
        t.equal(got.failure, undefined, 'the watch never failed');
        const rvs = got.events.map((e) => e.rv);
        // ordered and unique
        t.ok(rvs.every((rv, i) => i === 0 || rv > rvs[i - 1]!), 'resourceVersions strictly increase');
        t.equal(new Set(rvs).size, rvs.length, 'no event twice');
        // atomic: a revision's events arrive together (one object per revision here, never split)
        t.same([...new Set(rvs)], rvs, 'every revision arrives whole, in one place');
        // reliable: exactly what was acknowledged, nothing missing, nothing extra
        t.same(got.events, acked, 'exactly the acknowledged writes, in order');
        // bookmarks: everything at or below a bookmark came before it, nothing after it is at or below it
        for (const bookmark of got.bookmarks) {
          const before = got.events.slice(0, bookmark.after);
          const after = got.events.slice(bookmark.after);
          if (!before.every((e) => e.rv <= bookmark.rv) || !after.every((e) => e.rv > bookmark.rv)) {
            t.fail(`bookmark ${bookmark.rv} at position ${bookmark.after} is inconsistent with the events around it`);
          }
        }
        t.pass(`${got.bookmarks.length} bookmarks consistent with the events around them`);

        // resumable: from any resourceVersion (a sample, and a bookmark's), exactly the rest
        const bookmarkRv = got.bookmarks[0]?.rv ?? startRv;
        const starts = [startRv, bookmarkRv, ...[0.2, 0.4, 0.6, 0.8, 1].map((q) => acked[Math.min(acked.length - 1, Math.floor(q * acked.length))]!.rv)];
        for (const from of starts) {
          const watch = buses[kind]!.watch(request(from));
          const resumed = collect(watch);
          const expected = acked.filter((a) => a.rv > from);
          await until(() => resumed.events.length >= expected.length || resumed.failure !== undefined, 5000);
          // no extra event may trail in
          await new Promise((resolve) => setTimeout(resolve, 100));
          watch.close();
          await resumed.done;
          t.same(resumed.events, expected, `resumed from ${from}: the ${expected.length} events after it`);
        }
      });
    }
  });

  t.test('per-node pod streams carry what a spec.nodeName watch selects', async (t) => {
    const ns = 'nodes';
    await namespace(ns);
    const from = String((await client.list(PODS, { namespace: ns })).metadata.resourceVersion);
    const request: BusWatchRequest = { resource: PODS, namespace: ns, fieldSelector: 'spec.nodeName=node-a', resourceVersion: from };
    const httpWatch = new HttpBus(client).watch(request);
    const http = collect(httpWatch);
    const redisBus = new RedisBus({ url: redis.url, log: silent });
    t.teardown(() => {
      httpWatch.close();
      return redisBus.close();
    });
    const viaRedis = collect(redisBus.watch(request));
    const pod = (name: string, nodeName?: string) => ({ metadata: { name, namespace: ns }, spec: { nodeName, containers: [{ name: 'c', image: 'nginx' }] } });

    await client.create(PODS, pod('on-a', 'node-a'));
    await client.create(PODS, pod('on-b', 'node-b'));
    await client.create(PODS, pod('pending'));
    await client.create(PODS, { metadata: { name: 'pending', namespace: ns }, target: { kind: 'Node', name: 'node-a' } }, { namespace: ns, name: 'pending', subresource: 'binding' });
    await client.patch(PODS, { namespace: ns, name: 'on-b' }, { metadata: { labels: { x: 'y' } } });
    await client.delete(PODS, { namespace: ns, name: 'on-a' }, { gracePeriodSeconds: 0 });
    const expected = ['ADDED on-a', 'ADDED pending', 'DELETED on-a'];
    t.ok(await until(() => http.events.length >= 3 && viaRedis.events.length >= 3));
    t.same(http.events.map((e) => `${e.type} ${e.name}`), expected, 'http: selected on the server');
    t.same(viaRedis.events, http.events, 'redis (stream rudder:events:pods@node-a): the same events, same resourceVersions');
  });

  /** Starts a watch only after `gate`: a reader that fell behind while the stream moved on. */
  function lateBus(inner: WatchBus, gate: Promise<void>): WatchBus {
    let first = true;
    return {
      kind: inner.kind,
      close: () => inner.close(),
      watch<T extends KubeObject>(request: BusWatchRequest): BusWatch<T> {
        const delay = first ? gate : Promise.resolve();
        first = false;
        let watch: BusWatch<T> | undefined;
        let closed = false;
        return {
          close: () => {
            closed = true;
            watch?.close();
          },
          async *[Symbol.asyncIterator](): AsyncGenerator<BusEvent<T>> {
            await delay;
            if (closed) return;
            watch = inner.watch<T>(request);
            yield* watch;
          },
        };
      },
    };
  }

  t.test('a stream trimmed below a reader means relist, never a silent gap', async (t) => {
    const ns = 'trimmed';
    await namespace(ns);
    const behind = await listRv(ns);
    const redisBus = new RedisBus({ url: redis.url, log: silent });
    t.teardown(() => redisBus.close());

    // 1. an informer lists, and its first watch starts only after the stream has been trimmed
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const informer = new Informer({ client, bus: lateBus(redisBus, gate), resource: CONFIGMAPS, namespace: ns });
    informer.start();
    t.teardown(() => informer.stop());
    await informer.waitForSync();

    await client.create(CONFIGMAPS, { metadata: { name: 'busy', namespace: ns } });
    for (let i = 0; i < MAX_LEN + 200; i++) await client.patch(CONFIGMAPS, { namespace: ns, name: 'busy' }, { data: { i: String(i) } });

    // 2. a reader at the old position is refused: a gap, and not one event of the remainder
    const stale = collect(redisBus.watch({ resource: CONFIGMAPS, namespace: ns, resourceVersion: String(behind) }));
    await stale.done;
    t.ok(isWatchGone(stale.failure), 'WatchGoneError');
    t.match((stale.failure as Error).message, /trimmed or lost/);
    t.equal(stale.events.length, 0, 'nothing delivered across the gap');

    // 3. the informer behind the trim relists and converges
    release();
    t.ok(await until(() => informer.lists === 2), 'the informer relisted');
    const last = await client.get(CONFIGMAPS, { namespace: ns, name: 'busy' });
    t.ok(await until(() => informer.indexer.get(`${ns}/busy`)?.metadata?.resourceVersion === last.metadata?.resourceVersion), 'and holds the latest state');
  });

  t.test('a Redis restart without persistence: the apiserver keeps serving, readers relist and converge', async (t) => {
    const ns = 'restart';
    await namespace(ns);
    const lines: string[] = [];
    const log = pino({ level: 'info' }, new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) }));
    const redisBus = new RedisBus({ url: redis.url, log });
    t.teardown(() => redisBus.close());
    const informers = [0, 1].map(() => new Informer({ client, bus: redisBus, resource: CONFIGMAPS, namespace: ns, backoff: { initialMs: 100, maxMs: 500 } }));
    for (const informer of informers) informer.start();
    t.teardown(() => Promise.all(informers.map((i) => i.stop())));
    await Promise.all(informers.map((i) => i.waitForSync()));
    const apiLogBefore = api.output().length;

    for (let i = 0; i < 5; i++) await client.create(CONFIGMAPS, { metadata: { name: `before-${i}`, namespace: ns } });
    t.ok(await until(() => informers.every((inf) => inf.indexer.size === 5)));

    // 1. Redis dies; writes keep being acknowledged by the apiserver
    await redis.kill();
    for (let i = 0; i < 5; i++) await client.create(CONFIGMAPS, { metadata: { name: `during-${i}`, namespace: ns } });
    await client.delete(CONFIGMAPS, { namespace: ns, name: 'before-0' });

    // 2. it comes back empty; more writes; the readers relist and hold exactly the apiserver's state
    await redis.restart();
    await client.create(CONFIGMAPS, { metadata: { name: 'after', namespace: ns } });
    const truth = async (): Promise<string[]> => (await client.list(CONFIGMAPS, { namespace: ns })).items.map((o) => `${o.metadata?.name}@${o.metadata?.resourceVersion}`).sort();
    const cached = (informer: Informer): string[] => informer.indexer.list().map((o) => `${o.metadata?.name}@${o.metadata?.resourceVersion}`).sort();
    const expected = await truth();
    t.ok(await until(() => informers.every((inf) => JSON.stringify(cached(inf)) === JSON.stringify(expected)), 20_000), 'both informers converged');
    t.same(cached(informers[0]!), expected);
    t.ok(informers.every((inf) => inf.lists >= 2), 'by relisting');

    // 3. each transition is logged once, by the apiserver and by the readers' bus. The readers
    // converge by relisting from the apiserver, which can happen before its publisher reconnects.
    const count = (text: string, pattern: RegExp): number => text.split('\n').filter((l) => pattern.test(l)).length;
    const logged = (pattern: RegExp): boolean => count(api.output().slice(apiLogBefore), pattern) > 0;
    await until(() => logged(/publication resumed/) && logged(/starting the redis streams at the current revision/), 20_000);
    const apiLog = api.output().slice(apiLogBefore);
    t.equal(count(apiLog, /redis is unavailable/), 1, 'apiserver: unavailable, once');
    t.equal(count(apiLog, /publication resumed/), 1, 'apiserver: available again, once');
    t.equal(count(apiLog, /starting the redis streams at the current revision/), 1, 'apiserver: streams restarted, once');
    const readerLog = lines.join('');
    t.equal(count(readerLog, /redis is unavailable/), 1, 'readers: unavailable, once for both watches');
    t.equal(count(readerLog, /redis restarted/), 1, 'readers: restart noticed, once');
  });

  t.test('the apiserver killed and restarted on the same data: redis readers lose and duplicate nothing', async (t) => {
    // The single-replica case: the publisher dies with unpublished commits and resumes from Redis
    // (watch-bus-failover.test.ts has the failover between Raft replicas).
    const ns = 'failover';
    await namespace(ns);
    const redisBus = new RedisBus({ url: redis.url, log: silent });
    t.teardown(() => redisBus.close());
    const informer = new Informer({ client, bus: redisBus, resource: CONFIGMAPS, namespace: ns });
    const seen = recordChanges(informer);
    informer.start();
    t.teardown(() => informer.stop());
    await informer.waitForSync();
    const startRv = Number(informer.lastSyncResourceVersion);

    // 1. four writers; a third of the way in, the apiserver is killed and started again
    const writers = Array.from({ length: 4 }, (_, w) => write(ns, w, 45).catch(() => undefined));
    await until(() => seen.length >= 40);
    await api.kill('SIGKILL');
    await api.restart();
    // Writers whose request was cut off mid-flight stop; the rest carry on against the new process.
    await Promise.all(writers);
    for (let i = 0; i < 10; i++) await write(ns, 10 + i, 3);

    // 2. what the store committed, read back from the restarted apiserver's history
    const endRv = await listRv(ns);
    const replay = new HttpBus(client).watch({ resource: CONFIGMAPS, namespace: ns, resourceVersion: String(startRv) });
    t.teardown(() => replay.close());
    const history = collect(replay);
    await until(() => history.events.some((e) => e.rv >= endRv));
    t.ok(await until(() => seen.at(-1)?.rv === history.events.at(-1)?.rv, 15_000), 'the reader caught up');
    t.ok(history.events.length > 50, `${history.events.length} committed changes`);
    t.same(seen, history.events, 'exactly the committed changes, in order: none lost, none twice');
    t.equal(informer.lists, 1, 'without relisting');
  });
}
