// Watch guarantees a controller relies on, checked against a real apiserver under concurrent
// writers: events ordered by resourceVersion, none missing or duplicated, resumable from any
// resourceVersion, and a compacted resourceVersion answered with 410 Expired.
import t from 'tap';
import { startApiserver, type ApiserverProcess } from '../../lib/launch/apiserver-process.js';
import { rest } from '../helpers/rest.js';
import { openWatch, type WatchEventRecord } from '../helpers/watch-stream.js';

const NS = 'watchers';
const WRITERS = 8;
const OPS_PER_WRITER = 40;

let server: ApiserverProcess;

t.before(async () => {
  // A short history so the test can outrun it; bookmarks every second.
  server = await startApiserver({ extraArgs: ['--history-revisions', '1500', '--watch-bookmark-interval', '1s', '--compaction-interval', '0'] });
  const made = await rest(server, 'POST', '/api/v1/namespaces', { metadata: { name: NS } });
  if (made.status !== 201) throw new Error(made.text);
});

t.teardown(() => server.stop());

interface Acked {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  name: string;
  rv: number;
}

/** Each writer creates, updates and deletes its own configmaps; returns what the server acknowledged. */
async function write(writer: number): Promise<Acked[]> {
  const acked: Acked[] = [];
  for (let i = 0; i < OPS_PER_WRITER; i++) {
    const name = `w${writer}-${i % 5}`;
    const path = `/api/v1/namespaces/${NS}/configmaps`;
    const existing = await rest(server, 'GET', `${path}/${name}`);
    if (existing.status === 404) {
      const res = await rest(server, 'POST', path, { metadata: { name }, data: { i: String(i) } });
      if (res.status === 201) acked.push({ type: 'ADDED', name, rv: Number(res.json<{ metadata: { resourceVersion: string } }>().metadata.resourceVersion) });
    } else if (i % 3 === 0) {
      const res = await rest(server, 'DELETE', `${path}/${name}`);
      if (res.status === 200) acked.push({ type: 'DELETED', name, rv: Number(res.json<{ metadata: { resourceVersion: string } }>().metadata.resourceVersion) });
    } else {
      const res = await rest(server, 'PATCH', `${path}/${name}`, { data: { i: String(i) } }, { 'content-type': 'application/merge-patch+json' });
      if (res.status === 200) acked.push({ type: 'MODIFIED', name, rv: Number(res.json<{ metadata: { resourceVersion: string } }>().metadata.resourceVersion) });
    }
  }
  return acked;
}

function rvOf(event: WatchEventRecord): number {
  return Number(event.object.metadata?.resourceVersion);
}

t.test('ordered, unique, complete and resumable under concurrent writers', async (t) => {
  // 1. remember where we start and watch from there
  const list = await rest(server, 'GET', `/api/v1/namespaces/${NS}/configmaps`);
  const startRv = Number(list.json<{ metadata: { resourceVersion: string } }>().metadata.resourceVersion);
  const watch = await openWatch(server, `/api/v1/namespaces/${NS}/configmaps?watch=1&resourceVersion=${startRv}&allowWatchBookmarks=true`);
  t.equal(watch.status, 200);

  // 2. eight writers create, update and delete concurrently
  const acked = (await Promise.all(Array.from({ length: WRITERS }, (_, w) => write(w)))).flat().sort((a, b) => a.rv - b.rv);
  t.ok(acked.length >= WRITERS * OPS_PER_WRITER * 0.9, `${acked.length} writes acknowledged`);
  const lastRv = acked[acked.length - 1]!.rv;
  t.ok(await watch.until((events) => events.some((e) => e.type !== 'BOOKMARK' && rvOf(e) >= lastRv)), 'the watch caught up');
  const events = watch.events.filter((e) => e.type !== 'BOOKMARK');

  // 3. ordered by resourceVersion, none duplicated
  const rvs = events.map(rvOf);
  t.ok(rvs.every((rv, i) => i === 0 || rv > rvs[i - 1]!), 'resourceVersions strictly increase');
  t.equal(new Set(rvs).size, rvs.length, 'no event twice');

  // 4. every acknowledged write is there, as the right event type, and nothing else
  t.same(
    events.map((e) => ({ type: e.type, name: e.object.metadata?.name, rv: rvOf(e) })),
    acked.map((a) => ({ type: a.type, name: a.name, rv: a.rv })),
    'the watch saw exactly the acknowledged writes, in order',
  );

  // 5. bookmarks never run ahead of events
  t.ok(await watch.until((all) => all.some((e) => e.type === 'BOOKMARK'), 5000), 'a bookmark arrived');
  let seen = 0;
  for (const e of watch.events) {
    if (e.type === 'BOOKMARK') t.ok(rvOf(e) >= seen, 'bookmark rv is not behind the events before it');
    else seen = rvOf(e);
  }
  watch.close();

  // 6. resuming from any resourceVersion delivers exactly the later events
  for (const from of [rvs[0]!, rvs[Math.floor(rvs.length / 3)]!, rvs[rvs.length - 2]!]) {
    const resumed = await openWatch(server, `/api/v1/namespaces/${NS}/configmaps?watch=1&resourceVersion=${from}`);
    const expected = rvs.filter((rv) => rv > from);
    t.ok(await resumed.until((all) => all.length >= expected.length), `resumed from ${from}`);
    t.same(resumed.events.map(rvOf), expected, `exactly the events after ${from}`);
    resumed.close();
  }
});

t.test('a compacted resourceVersion answers 410 Expired', async (t) => {
  // 1. write past the history window
  const first = await rest(server, 'POST', `/api/v1/namespaces/${NS}/configmaps`, { metadata: { name: 'old' } });
  const oldRv = Number(first.json<{ metadata: { resourceVersion: string } }>().metadata.resourceVersion);
  const filler = Array.from({ length: 4 }, async (_, w) => {
    for (let i = 0; i < 420; i++) {
      await rest(server, 'PUT', `/api/v1/namespaces/${NS}/configmaps/old`, { metadata: { name: 'old' }, data: { n: `${w}-${i}` } });
    }
  });
  await Promise.all(filler);

  // 2. a watch from before the window gets an ERROR event carrying 410 Expired
  const watch = await openWatch(server, `/api/v1/namespaces/${NS}/configmaps?watch=1&resourceVersion=${oldRv}`);
  t.equal(watch.status, 200);
  t.ok(await watch.until((events) => events.length > 0));
  const [error] = watch.events;
  t.equal(error?.type, 'ERROR');
  t.equal(error?.object.code, 410);
  t.equal(error?.object.reason, 'Expired');
  t.match(String(error?.object.message), /too old resource version/);
  t.ok(await watch.until(() => watch.ended, 5000), 'and the watch ends');

  // 3. a list at that exact revision is a 410 response
  const exact = await rest(server, 'GET', `/api/v1/namespaces/${NS}/configmaps?resourceVersion=${oldRv}&resourceVersionMatch=Exact`);
  t.equal(exact.status, 410);
  t.equal(exact.json<{ reason: string }>().reason, 'Expired');
});
