// Informers as controllers use them: list then watch from the list's resourceVersion into an
// indexed cache, handlers told of every change in order, relist when the watch's history is
// gone (410), periodic resync, and hasSynced.
import t from 'tap';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../lib/api/object.js';
import { findResource } from '../lib/api/resources.js';
import { HttpBus } from '../lib/bus/http-bus.js';
import { FakeClock } from '../lib/client/clock.js';
import { labelIndex, nodeNameIndex } from '../lib/client/indexer.js';
import { Informer } from '../lib/client/informer.js';
import { RestClient } from '../lib/client/rest-client.js';
import { freePort } from '../lib/process/ports.js';
import { LEGACY_TOKEN_TRACKING_CONFIGMAP } from '../services/apiserver/bootstrap.js';
import { listeningServer, type ListeningServer } from './helpers/listening-server.js';
import { until } from './helpers/until.js';

const CONFIGMAPS = findResource('', 'v1', 'configmaps')!;
const SECRETS = findResource('', 'v1', 'secrets')!;
const PODS = findResource('', 'v1', 'pods')!;

function recordEvents<T extends KubeObject>(informer: Informer<T>): string[] {
  const seen: string[] = [];
  informer.addEventHandler({
    onAdd: (obj, initial) => seen.push(`${initial ? 'list' : 'add'} ${obj.metadata?.name}`),
    onUpdate: (before, after) => seen.push(`update ${after.metadata?.name} ${before.metadata?.resourceVersion === after.metadata?.resourceVersion ? 'resync' : 'changed'}`),
    onDelete: (obj) => seen.push(`delete ${obj.metadata?.name}`),
  });
  return seen;
}

/** The ConfigMap every cluster starts with (bootstrap); the informers here watch only what the tests make. */
const ONLY_TEST_OBJECTS = `metadata.name!=${LEGACY_TOKEN_TRACKING_CONFIGMAP}`;

function informerFor<T extends KubeObject>(server: ListeningServer, config: Partial<ConstructorParameters<typeof Informer<T>>[0]> = {}): Informer<T> {
  const client = server.client({ encoding: 'msgpack', qps: 0 });
  return new Informer<T>({ client, bus: new HttpBus(client), resource: CONFIGMAPS, fieldSelector: ONLY_TEST_OBJECTS, ...config });
}

t.test('lists, then follows every change in order, with indexes', async (t) => {
  const server = await listeningServer();
  t.teardown(() => server.close());
  const writer = server.client({ qps: 0 });
  await writer.create(CONFIGMAPS, { metadata: { name: 'a', namespace: 'default', labels: { app: 'web' } } });
  await writer.create(CONFIGMAPS, { metadata: { name: 'b', namespace: 'kube-system' } });

  const informer = informerFor(server, { indexers: { app: labelIndex('app') } });
  const seen = recordEvents(informer);
  t.equal(informer.hasSynced(), false);
  informer.start();
  t.teardown(() => informer.stop());
  t.equal(await informer.waitForSync(5000), true);
  t.same(seen.sort(), ['list a', 'list b']);
  seen.length = 0;

  await writer.create(CONFIGMAPS, { metadata: { name: 'c', namespace: 'default', labels: { app: 'web' } } });
  await writer.patch(CONFIGMAPS, { namespace: 'default', name: 'a' }, { data: { k: 'v' } });
  await writer.delete(CONFIGMAPS, { namespace: 'kube-system', name: 'b' });
  t.ok(await until(() => seen.length === 3), 'three changes arrived');
  t.same(seen, ['add c', 'update a changed', 'delete b']);

  t.same(informer.indexer.keys().sort(), ['default/a', 'default/c']);
  t.same(informer.indexer.get('default/a')?.data, { k: 'v' });
  t.same(informer.indexer.byIndex('namespace', 'default').map((o) => o.metadata?.name).sort(), ['a', 'c']);
  t.same(informer.indexer.byIndex('app', 'web').map((o) => o.metadata?.name).sort(), ['a', 'c']);
  t.equal(informer.lastSyncResourceVersion, (await writer.list(CONFIGMAPS)).metadata.resourceVersion, 'caught up to the latest resourceVersion');
  t.equal(informer.lists, 1, 'no relist needed');
});

t.test('pods indexed by node; a filtered informer sees pods entering and leaving its selection', async (t) => {
  const server = await listeningServer();
  t.teardown(() => server.close());
  const writer = server.client({ qps: 0 });
  const pod = (name: string, nodeName?: string): Pod => ({ metadata: { name, namespace: 'default' }, spec: { nodeName, containers: [{ name: 'c', image: 'nginx' }] } });
  await writer.create(PODS, pod('p1', 'node-1'));
  await writer.create(PODS, pod('p2'));

  const all = informerFor<Pod & KubeObject>(server, { resource: PODS, indexers: { node: nodeNameIndex } });
  const unscheduled = informerFor<Pod & KubeObject>(server, { resource: PODS, fieldSelector: 'spec.nodeName=' });
  const seen = recordEvents(unscheduled);
  all.start();
  unscheduled.start();
  t.teardown(() => Promise.all([all.stop(), unscheduled.stop()]));
  await Promise.all([all.waitForSync(), unscheduled.waitForSync()]);
  t.same(seen, ['list p2']);

  await writer.create(PODS, { metadata: { name: 'p2', namespace: 'default' }, target: { kind: 'Node', name: 'node-2' } } as KubeObject, { namespace: 'default', name: 'p2', subresource: 'binding' });
  t.ok(await until(() => seen.length === 2 && all.indexer.byIndex('node', 'node-2').length === 1));
  t.same(seen, ['list p2', 'delete p2'], 'bound: it left the unscheduled selection');
  t.same(all.indexer.byIndex('node', 'node-1').map((p) => p.metadata?.name), ['p1']);
  t.same(all.indexer.byIndex('node', '').length, 0);
});

t.test('relists when the watch resumes from a compacted resourceVersion (410)', async (t) => {
  const server = await listeningServer({ historyRevisions: 20 });
  t.teardown(() => server.close());
  const writer = server.client({ qps: 0 });
  await writer.create(CONFIGMAPS, { metadata: { name: 'keep', namespace: 'default' } });
  const informer = informerFor(server);
  const seen = recordEvents(informer);
  informer.start();
  t.teardown(() => informer.stop());
  await informer.waitForSync();

  // 1. history moves on (other resources), then the watch connection drops
  for (let i = 0; i < 40; i++) await writer.create(SECRETS, { metadata: { name: `s${i}`, namespace: 'default' } });
  server.app.server.closeAllConnections();

  // 2. the re-watch from the informer's resourceVersion is answered 410: it relists
  t.ok(await until(() => informer.lists === 2), 'relisted');
  await writer.create(CONFIGMAPS, { metadata: { name: 'after', namespace: 'default' } });
  t.ok(await until(() => informer.indexer.get('default/after') !== undefined), 'and follows changes again');
  t.same(seen, ['list keep', 'add after'], 'the relist found nothing changed; no duplicate events');
});

t.test('resync re-delivers cached objects as updates on the resync period', async (t) => {
  const server = await listeningServer();
  t.teardown(() => server.close());
  const writer = server.client({ qps: 0 });
  await writer.create(CONFIGMAPS, { metadata: { name: 'x', namespace: 'default' } });
  const clock = new FakeClock();
  const informer = informerFor(server, { resyncPeriodMs: 30_000, clock });
  const seen = recordEvents(informer);
  informer.start();
  t.teardown(() => informer.stop());
  await informer.waitForSync();
  await clock.advance(29_000);
  t.same(seen, ['list x']);
  await clock.advance(1_000);
  t.same(seen, ['list x', 'update x resync']);
  await clock.advance(30_000);
  t.same(seen, ['list x', 'update x resync', 'update x resync']);
  t.throws(() => informerFor(server, { resyncPeriodMs: -1 }), /resyncPeriodMs must be >= 0/);
});

t.test('hasSynced stays false while the apiserver cannot be reached', async (t) => {
  const client = new RestClient({ server: `http://127.0.0.1:${await freePort()}`, maxRetries: 0 });
  const informer = new Informer({ client, bus: new HttpBus(client), resource: CONFIGMAPS, backoff: { initialMs: 20, maxMs: 50 } });
  informer.start();
  t.equal(await informer.waitForSync(300), false);
  t.equal(informer.hasSynced(), false);
  await informer.stop();
  await client.close();
});
