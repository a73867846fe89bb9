// The apiserver's Redis publisher with its leadership predicate (bound to the Raft role when there
// are replicas): only a leader publishes; a new leader picks up at the published mark and
// publishes what the previous one left out; two apiservers that both believe they lead write
// each entry once (explicit IDs); and stream entries carry the previous revision of their stream.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import t from 'tap';
import { BASE_KEY, decodeStreamEvent, PUBLISHED_KEY } from '../lib/bus/redis-streams.js';
import { redisServerInstalled, startRedis, type RedisProcess } from '../lib/launch/redis-process.js';
import { Store } from '../lib/native/store.js';
import { RedisPublisher } from '../services/apiserver/watch/redis-publisher.js';
import { until } from './helpers/until.js';

const silent = pino({ level: 'silent' });

function configMap(name: string, value: string): { type: 'put'; key: string; value: unknown } {
  return { type: 'put', key: `/registry/core/configmaps/default/${name}`, value: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { value } } };
}

if (!redisServerInstalled() && !process.env.RUDDER_CI) {
  t.pass('skipped: redis-server is not installed');
} else {
  let redis: RedisProcess;
  let reader: Redis;
  let store: Store;
  let dir: string;
  t.beforeEach(async () => {
    redis = await startRedis();
    reader = new Redis(redis.url);
    dir = mkdtempSync(join(tmpdir(), 'rudder-publisher-'));
    store = Store.open({ dataDir: dir });
  });
  t.afterEach(async () => {
    reader.disconnect();
    await store.close();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const entries = async (stream: string): Promise<{ rev: number; prev: number; type: string; name: string }[]> =>
    (await reader.xrangeBuffer(stream, '-', '+')).map(([id, fields]) => {
      const map = new Map<string, Buffer>();
      for (let i = 0; i < fields.length; i += 2) map.set(fields[i]!.toString(), fields[i + 1]!);
      const event = decodeStreamEvent(map.get('event')!);
      return { rev: Number(id.toString().split('-')[0]), prev: Number(map.get('prev')!.toString()), type: event.type, name: event.object.metadata?.name ?? '' };
    });

  t.test('only the leader publishes; a new leader publishes what was left out, from the mark', async (t) => {
    let leading = true;
    const first = new RedisPublisher({ store, url: redis.url, log: silent, isLeader: () => leading, maxLen: 1000 });
    await first.start();
    t.ok(await until(async () => (await reader.get(BASE_KEY)) !== null), 'the leader set the base');

    // 1. while leading, each commit is published with its revision as the entry ID
    const a = await store.txn({ success: [configMap('a', '1')] });
    const b = await store.txn({ success: [configMap('b', '1')] });
    t.ok(await until(async () => Number(await reader.get(PUBLISHED_KEY)) >= b.revision));
    const base = Number(await reader.get(BASE_KEY));
    t.same(await entries('rudder:events:configmaps'), [
      { rev: a.revision, prev: base, type: 'ADDED', name: 'a' },
      { rev: b.revision, prev: a.revision, type: 'ADDED', name: 'b' },
    ]);

    // 2. it stops leading: commits (applied on every replica) are not published by it
    leading = false;
    const c = await store.txn({ success: [configMap('a', '2')] });
    const d = await store.txn({ success: [{ type: 'delete', key: '/registry/core/configmaps/default/b' }] });
    await new Promise((resolve) => setTimeout(resolve, 200));
    t.equal((await entries('rudder:events:configmaps')).length, 2, 'nothing published while not leading');
    await first.close();

    // 3. another apiserver becomes leader: it resumes at the mark and publishes c and d
    const second = new RedisPublisher({ store, url: redis.url, log: silent, isLeader: () => true, maxLen: 1000 });
    await second.start();
    t.teardown(() => second.close());
    t.ok(await until(async () => Number(await reader.get(PUBLISHED_KEY)) >= d.revision), 'the mark reached the last commit');
    t.same((await entries('rudder:events:configmaps')).slice(2), [
      { rev: c.revision, prev: b.revision, type: 'MODIFIED', name: 'a' },
      { rev: d.revision, prev: c.revision, type: 'DELETED', name: 'b' },
    ]);
    t.equal(Number(await reader.get(BASE_KEY)), base, 'the base stays: nothing was lost');
  });

  t.test('two apiservers that both believe they lead publish each entry once', async (t) => {
    const one = new RedisPublisher({ store, url: redis.url, log: silent, isLeader: () => true, maxLen: 1000 });
    await one.start();
    t.ok(await until(async () => (await reader.get(BASE_KEY)) !== null));
    const two = new RedisPublisher({ store, url: redis.url, log: silent, isLeader: () => true, maxLen: 1000 });
    await two.start();
    t.teardown(() => Promise.all([one.close(), two.close()]));
    let last = 0;
    for (let i = 0; i < 50; i++) last = (await store.txn({ success: [configMap(`c${i % 7}`, String(i))] })).revision;
    await until(async () => Number(await reader.get(PUBLISHED_KEY)) >= last);
    await Promise.all([one.idle(), two.idle()]);
    const published = await entries('rudder:events:configmaps');
    t.equal(published.length, 50, 'fifty commits, fifty entries');
    t.ok(published.every((e, i) => i === 0 || (e.rev > published[i - 1]!.rev && e.prev === published[i - 1]!.rev)), 'each entry names the one before it');
  });

  t.test('pods go to their node streams too, including the node they leave', async (t) => {
    const publisher = new RedisPublisher({ store, url: redis.url, log: silent, isLeader: () => true, maxLen: 1000 });
    await publisher.start();
    t.teardown(() => publisher.close());
    t.ok(await until(async () => (await reader.get(BASE_KEY)) !== null));
    const key = '/registry/core/pods/default/web';
    const pod = (nodeName: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, spec: { nodeName } });
    await store.txn({ success: [{ type: 'put', key, value: pod('') }] });
    const bound = await store.txn({ success: [{ type: 'put', key, value: pod('node-1') }] });
    const gone = await store.txn({ success: [{ type: 'delete', key }] });
    t.ok(await until(async () => Number(await reader.get(PUBLISHED_KEY)) >= gone.revision));
    t.same((await entries('rudder:events:pods')).map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
    const base = Number(await reader.get(BASE_KEY));
    t.same(await entries('rudder:events:pods@node-1'), [
      { rev: bound.revision, prev: base, type: 'MODIFIED', name: 'web' },
      { rev: gone.revision, prev: bound.revision, type: 'DELETED', name: 'web' },
    ]);
    t.same(await reader.keys('rudder:events:pods@*'), ['rudder:events:pods@node-1'], 'no stream for unscheduled pods');
  });
}
