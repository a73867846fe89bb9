import t, { type Test } from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Packr } from 'msgpackr';
import { loadNative } from '../lib/native/index.js';
import { Store, StoreError, type StoreEvent, type Txn } from '../lib/native/store.js';

interface Pod {
  name: string;
  labels?: Record<string, string>;
  n?: number;
}

function tempDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'rudder-store-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function openStore(t: Test, options: { historyRevisions?: number; dataDir?: string } = {}): Store {
  const store = Store.open({ dataDir: options.dataDir ?? tempDir(t), historyRevisions: options.historyRevisions });
  t.teardown(() => store.close());
  return store;
}

const create = (key: string, value: unknown): Txn => ({
  compare: [{ key, target: 'create', op: '=', value: 0 }],
  success: [{ type: 'put', key, value }],
});

const update = (key: string, modRevision: number, value: unknown): Txn => ({
  compare: [{ key, target: 'mod', op: '=', value: modRevision }],
  success: [{ type: 'put', key, value }],
});

async function rejection(t: Test, promise: Promise<unknown>, code: string, why: string): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  t.ok(error instanceof StoreError, `${why}: a StoreError`);
  t.equal((error as StoreError).code, code, why);
}

function thrown(t: Test, action: () => unknown, code: string, why: string): void {
  try {
    action();
    t.fail(`${why}: did not throw`);
  } catch (error) {
    t.ok(error instanceof StoreError, `${why}: a StoreError`);
    t.equal((error as StoreError).code, code, why);
  }
}

t.test('create, read, update and delete through transactions', async (t) => {
  const store = openStore(t);
  t.equal(store.revision, 1, 'an empty store is at revision 1');
  const key = '/registry/core/pods/default/web';

  const created = await store.txn<Pod>(create(key, { name: 'web', labels: { app: 'web' } }));
  t.same(created, { succeeded: true, revision: 2, prev: [null], current: [] });
  t.same(store.get<Pod>(key), { key, createRevision: 2, modRevision: 2, version: 1, value: { name: 'web', labels: { app: 'web' } } });

  const updated = await store.txn<Pod>(update(key, 2, { name: 'web', n: 2 }));
  t.equal(updated.succeeded, true);
  t.equal(updated.revision, 3);
  t.same(updated.prev[0]?.value, { name: 'web', labels: { app: 'web' } }, 'the previous value comes back decoded');
  t.match(store.get<Pod>(key), { createRevision: 2, modRevision: 3, version: 2, value: { n: 2 } });
  t.same(store.get<Pod>(key, 2)?.value, { name: 'web', labels: { app: 'web' } }, 'older revisions stay readable');

  const deleted = await store.txn({ compare: [{ key, target: 'mod', op: '=', value: 3 }], success: [{ type: 'delete', key }] });
  t.equal(deleted.succeeded, true);
  t.equal(deleted.prev[0]?.modRevision, 3);
  t.equal(store.get(key), null);
  t.equal(store.revision, 4);
  t.same(store.status().keys, 0);
});

t.test('a compare-and-swap conflict writes nothing and returns the current value', async (t) => {
  const store = openStore(t);
  await store.txn(create('/a', { v: 1 }));
  await store.txn(update('/a', 2, { v: 2 }));
  const stale = await store.txn(update('/a', 2, { v: 'lost update' }));
  t.equal(stale.succeeded, false);
  t.equal(stale.revision, 3, 'no new revision');
  t.same(stale.current, [{ key: '/a', createRevision: 2, modRevision: 3, version: 2, value: { v: 2 } }]);
  const duplicate = await store.txn({ ...create('/a', { v: 3 }), failure: [{ type: 'put', key: '/conflicts', value: 1 }] });
  t.equal(duplicate.succeeded, false);
  t.equal(store.get('/conflicts')?.value, 1, 'the failure branch ran');
  t.same(store.get('/a')?.value, { v: 2 });
});

t.test('range pages through one revision while writes continue', async (t) => {
  const store = openStore(t);
  await Promise.all(Array.from({ length: 25 }, (_, i) => store.txn(create(`/pods/p${String(i).padStart(2, '0')}`, { i }))));
  await store.txn(create('/services/s', {}));
  const at = store.revision;

  const seen: number[] = [];
  let startAfter: string | undefined;
  for (let page = 0; ; page++) {
    const result = store.range<{ i: number }>('/pods/', { startAfter, limit: 10, revision: at });
    t.equal(result.revision, at);
    t.equal(result.count, 25 - seen.length, 'count covers the rest of the range');
    seen.push(...result.kvs.map((kv) => kv.value.i));
    await store.txn({ success: [{ type: 'delete', key: `/pods/p0${page}` }, { type: 'put', key: `/pods/zz${page}`, value: {} }] });
    if (!result.more) break;
    startAfter = result.kvs[result.kvs.length - 1].key;
  }
  t.same(seen, Array.from({ length: 25 }, (_, i) => i), 'every key of the snapshot exactly once');
  const latest = store.range('/pods/');
  t.equal(latest.count, 25, '3 deleted, 3 added');
  t.equal(latest.more, false);
});

t.test('listeners get events in revision order before the writer gets its result', async (t) => {
  const store = openStore(t);
  const order: string[] = [];
  const events: StoreEvent[] = [];
  store.onCommit((batch, revision) => {
    for (const event of batch) {
      t.ok(event.revision <= revision);
      order.push(`event ${event.key}`);
    }
    events.push(...batch);
  });
  const writes = Array.from({ length: 20 }, (_, i) => store.txn(create(`/k/${i}`, i)).then(() => order.push(`response /k/${i}`)));
  await Promise.all(writes);
  await store.txn({ success: [{ type: 'put', key: '/k/0', value: 'again' }, { type: 'delete', key: '/k/1' }] });

  for (let i = 0; i < 20; i++) {
    t.ok(order.indexOf(`event /k/${i}`) < order.indexOf(`response /k/${i}`), `event of /k/${i} first`);
  }
  const revisions = events.map((e) => e.revision);
  t.same(revisions, [...revisions].sort((a, b) => a - b), 'revision order');
  const last = events.slice(-2);
  t.same(
    last.map((e) => [e.type, e.key, e.revision, e.prevValue]),
    [
      ['put', '/k/0', 22, 0],
      ['delete', '/k/1', 22, 1],
    ],
    'one txn, one revision, with prev values',
  );
  t.equal(store.revision, 22);
  t.same(
    store.eventsSince('/k/', 20).map((e) => e.key),
    ['/k/19', '/k/0', '/k/1'],
  );
});

t.test('a new watcher catches up with eventsSince and follows onCommit without gap or duplicate', async (t) => {
  const store = openStore(t);
  const writer = (async () => {
    for (let i = 0; i < 60; i++) await store.txn({ success: [{ type: 'put', key: `/w/${i % 7}`, value: i }] });
  })();
  await new Promise((resolve) => setTimeout(resolve, 5));
  // 1. start a watcher from revision 1 while writes go on
  const seen: number[] = [];
  const from = 1;
  seen.push(...store.eventsSince('/w/', from).map((e) => e.value as number));
  store.onCommit((events) => seen.push(...events.map((e) => e.value as number)));
  await writer;
  // 2. it saw every write exactly once, in order
  t.same(seen, Array.from({ length: 60 }, (_, i) => i));
});

t.test('compaction makes old revisions unreadable with code Compacted', async (t) => {
  const store = openStore(t);
  for (let i = 0; i < 5; i++) await store.txn({ success: [{ type: 'put', key: '/c', value: i }] });
  await store.txn({ success: [{ type: 'put', key: '/d', value: 'x' }] });
  await store.compact(5);
  t.equal(store.compactRevision, 5);
  thrown(t, () => store.get('/c', 4), 'Compacted', 'get below the compacted revision');
  thrown(t, () => store.range('/', { revision: 3 }), 'Compacted', 'range below the compacted revision');
  thrown(t, () => store.eventsSince('/', 4), 'Compacted', 'events from below the compacted revision');
  t.equal(store.get('/c', 5)?.value, 3, 'the version at the compacted revision is kept');
  t.equal(store.get('/c')?.value, 4);
  t.same(store.eventsSince('/', 5).map((e) => e.key), ['/c', '/d']);
  await rejection(t, store.compact(5), 'Compacted', 'compacting again');
  await rejection(t, store.compact(100), 'FutureRevision', 'compacting the future');
  thrown(t, () => store.get('/c', 100), 'FutureRevision', 'reading the future');
});

t.test('automatic compaction keeps a bounded history', async (t) => {
  const store = openStore(t, { historyRevisions: 10 });
  for (let i = 0; i < 30; i++) await store.txn({ success: [{ type: 'put', key: `/h/${i % 3}`, value: i }] });
  t.equal(store.revision, 31);
  t.equal(store.compactRevision, 21);
  t.equal(store.eventsSince('/h/', 21).length, 10);
  thrown(t, () => store.eventsSince('/h/', 20), 'Compacted', 'beyond the window');
  t.equal(store.range('/h/').count, 3);
});

t.test('reopening keeps data, revisions and history', async (t) => {
  const dataDir = tempDir(t);
  const first = Store.open({ dataDir });
  await first.txn(create('/r/a', { a: [1, 2, 3] }));
  await first.txn({ success: [{ type: 'put', key: '/r/a', value: { a: [] } }, { type: 'put', key: '/r/b', value: 'b' }] });
  await first.close();
  await first.close();

  const second = openStore(t, { dataDir });
  t.equal(second.revision, 3);
  t.same(second.get('/r/a'), { key: '/r/a', createRevision: 2, modRevision: 3, version: 2, value: { a: [] } });
  t.same(second.get('/r/a', 2)?.value, { a: [1, 2, 3] });
  t.equal(second.eventsSince('/r/', 1).length, 3);
  t.equal((await second.txn(create('/r/c', 1))).revision, 4);
});

t.test('bad input becomes a typed error, not a crash', async (t) => {
  const store = openStore(t);
  await rejection(t, store.txn({ success: [{ type: 'put', key: '/x', value: 10n ** 30n }] }), 'InvalidArgument', 'a value msgpack cannot hold');
  await rejection(t, store.txn({ success: [{ type: 'put', key: '/x', value: Symbol('s') }] }), 'InvalidArgument', 'a symbol value');
  await rejection(t, store.txn({ success: [{ type: 'put', key: '', value: 1 }] }), 'InvalidArgument', 'an empty key');
  await rejection(t, store.txn({ success: [{ type: 'put', key: '/x', value: 1 }, { type: 'delete', key: '/x' }] }), 'InvalidArgument', 'one key twice');
  await rejection(t, store.txn({ compare: [{ key: '/x', target: 'mod', op: '>=' as '>', value: 1 }], success: [] }), 'InvalidArgument', 'an unknown compare op');
  await rejection(t, store.txn({ compare: [{ key: '/x', target: 'mod', op: '=', value: -1 }], success: [] }), 'InvalidArgument', 'a negative compare value');
  await rejection(t, store.txn({} as Txn), 'InvalidArgument', 'a txn without success');
  await rejection(t, store.compact(Number.NaN), 'InvalidArgument', 'a NaN revision');
  thrown(t, () => store.get('/x', -1), 'InvalidArgument', 'a negative revision');
  thrown(t, () => store.get(42 as unknown as string), 'InvalidArgument', 'a key that is not a string');
  thrown(t, () => store.range('/', { limit: 1.5 }), 'InvalidArgument', 'a fractional limit');
  thrown(t, () => Store.open({ dataDir: '' }), 'InvalidArgument', 'an empty dataDir');
  thrown(t, () => Store.open({ dataDir: tempDir(t), maxBatch: 0 }), 'InvalidArgument', 'a zero maxBatch');

  // The raw binding checks what the wrapper would never send.
  const native = loadNative().NativeStore.open(tempDir(t));
  t.teardown(() => native.close());
  try {
    native.propose(Buffer.from([0xc1]));
    t.fail('a malformed batch was accepted');
  } catch (error) {
    t.equal((error as { code?: string }).code, 'InvalidArgument', 'a malformed batch throws InvalidArgument');
  }
  const plain = new Packr({ useRecords: false });
  const batch = plain.pack([
    [1, { success: [{ type: 'put', key: '/raw', value: Buffer.from([0x92, 0x01]) }] }],
    [2, { success: [{ type: 'frobnicate', key: '/raw' }] }],
  ]);
  const refused = native.propose(batch);
  t.same(
    refused.map((r) => [r.id, r.code]),
    [
      [2, 'InvalidArgument'],
      [1, 'InvalidArgument'],
    ],
  );
  t.match(refused.find((r) => r.id === 1)?.message, /not one well-formed msgpack value/);
  t.equal(native.status().revision, 1, 'nothing was written');

  // The store still works afterwards.
  t.equal((await store.txn(create('/ok', true))).succeeded, true);
});

t.test('a closed store refuses work with code Closed and settles what was in flight', async (t) => {
  const store = Store.open({ dataDir: tempDir(t) });
  const inFlight = Array.from({ length: 10 }, (_, i) => store.txn(create(`/z/${i}`, i)));
  const closed = store.close();
  const results = await Promise.all(inFlight);
  t.ok(results.every((r) => r.succeeded), 'proposals made before close are applied');
  await closed;
  await rejection(t, store.txn(create('/late', 1)), 'Closed', 'a txn after close');
  thrown(t, () => store.get('/z/0'), 'Closed', 'a read after close');
});

t.test('concurrent transactions share durable commits', async (t) => {
  const store = openStore(t);
  const value = { blob: 'x'.repeat(1024) };
  await Promise.all(Array.from({ length: 256 }, (_, i) => store.txn(create(`/batch/${i}`, value))));
  const status = store.status();
  t.equal(status.proposals, 256);
  t.ok(status.commits <= 16, `${status.commits} commits for 256 transactions`);
  t.equal(store.range('/batch/').count, 256);
});

t.test('a missing addon fails with one sentence on how to build it', async (t) => {
  const missing = join(tempDir(t), 'native', 'rudder.node');
  t.throws(() => loadNative(missing), { message: /^The native addon .*rudder\.node is missing; build it with "npm run build:native" \(needs Rust's cargo\)\.$/ });
});
