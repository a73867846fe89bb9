// Watches selecting pods by spec.nodeName (one per kubelet) are indexed: an event is matched
// against the watches of the nodes it concerns, not against every watch, so dispatch does not
// slow down as nodes are added — and each node still sees exactly its pods, including a pod
// entering (binding) and leaving (deletion) its selection.
import t from 'tap';
import type { KubeObject } from '../lib/api/object.js';
import { compileFilter, type ObjectFilter } from '../lib/api/object-filter.js';
import { findResource } from '../lib/api/resources.js';
import type { HubEvent, WatchSink } from '../services/apiserver/watch/watch-hub.js';
import { injectServer, type InjectServer } from './helpers/inject-server.js';

const PODS = findResource('', 'v1', 'pods')!;
const NODES = 2000;

let server: InjectServer;
t.beforeEach(async () => {
  server = await injectServer();
});
t.afterEach(() => server.close());

interface Recorded {
  events: string[];
  sink: WatchSink;
}

function recorder(): Recorded {
  const events: string[] = [];
  return {
    events,
    sink: {
      write: (chunk) => {
        const event = JSON.parse(String(chunk)) as { type: string; object: KubeObject };
        events.push(`${event.type} ${event.object.metadata?.name}`);
        return true;
      },
      end: () => undefined,
    },
  };
}

/** Counts how often watches' filters are asked about an object: the work dispatch does. */
function counting(filter: ObjectFilter, counter: { n: number }): ObjectFilter {
  return { empty: filter.empty, exactField: (f) => filter.exactField(f), matches: (obj) => (counter.n++, filter.matches(obj)) };
}

async function call(method: 'POST' | 'DELETE', url: string, payload?: object): Promise<number> {
  const res = await server.app.inject({ method, url, headers: { ...server.auth, 'content-type': 'application/json' }, payload });
  return res.statusCode;
}

t.test('per-node watches see their pods only, at a cost independent of the number of nodes', async (t) => {
  const counter = { n: 0 };
  const encoder = { id: 'json', encode: (e: HubEvent) => JSON.stringify({ type: e.type, object: e.object }) };
  const watch = (fieldSelector: string, rec: Recorded) =>
    server.hub.start({
      info: PODS,
      filter: counting(compileFilter(PODS, '', fieldSelector), counter),
      fromRevision: server.store.revision,
      sendInitialEvents: false,
      bookmarks: false,
      encoder,
      sink: rec.sink,
    });
  const perNode = Array.from({ length: NODES }, () => recorder());
  perNode.forEach((rec, i) => watch(`spec.nodeName=node-${i}`, rec));
  const unscheduled = recorder();
  watch('spec.nodeName=', unscheduled);
  t.equal(server.hub.size, NODES + 1);

  // 1. an unscheduled pod concerns only the watch of unscheduled pods
  t.equal(await call('POST', '/api/v1/namespaces/default/pods', { metadata: { name: 'web' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } }), 201);
  t.same(unscheduled.events, ['ADDED web']);
  t.ok(counter.n <= 4, `the create was matched against ${counter.n} watches, not ${NODES}`);

  // 2. binding moves it from the unscheduled watch to node-7's
  counter.n = 0;
  t.equal(await call('POST', '/api/v1/namespaces/default/pods/web/binding', { metadata: { name: 'web' }, target: { kind: 'Node', name: 'node-7' } }), 201);
  t.same(unscheduled.events, ['ADDED web', 'DELETED web']);
  t.same(perNode[7]!.events, ['ADDED web']);
  t.ok(counter.n <= 4, `the binding was matched against ${counter.n} watches`);

  // 3. a pod created on a node goes to that node's watch
  t.equal(await call('POST', '/api/v1/namespaces/default/pods', { metadata: { name: 'db' }, spec: { nodeName: 'node-1999', containers: [{ name: 'c', image: 'postgres' }] } }), 201);
  t.same(perNode[1999]!.events, ['ADDED db']);

  // 4. deletion reaches the node that ran it; no other node heard anything
  t.equal(await call('DELETE', '/api/v1/namespaces/default/pods/web?gracePeriodSeconds=0'), 200);
  t.same(perNode[7]!.events.at(-1), 'DELETED web');
  const heard = perNode.map((r, i) => (r.events.length > 0 ? i : -1)).filter((i) => i >= 0);
  t.same(heard, [7, 1999]);
});

t.test('watches without an indexed field still see every event of their scope', async (t) => {
  const all = recorder();
  const inNamespace = recorder();
  const encoder = { id: 'json', encode: (e: HubEvent) => JSON.stringify({ type: e.type, object: e.object }) };
  const base = { info: PODS, fromRevision: server.store.revision, sendInitialEvents: false, bookmarks: false, encoder };
  server.hub.start({ ...base, filter: compileFilter(PODS, '', ''), sink: all.sink });
  server.hub.start({ ...base, namespace: 'kube-system', filter: compileFilter(PODS, '', ''), sink: inNamespace.sink });
  await call('POST', '/api/v1/namespaces/default/pods', { metadata: { name: 'a' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'x' }] } });
  await call('POST', '/api/v1/namespaces/kube-system/pods', { metadata: { name: 'b' }, spec: { containers: [{ name: 'c', image: 'x' }] } });
  t.same(all.events, ['ADDED a', 'ADDED b']);
  t.same(inNamespace.events, ['ADDED b']);
});
