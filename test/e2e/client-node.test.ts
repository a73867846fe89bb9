// @kubernetes/client-node, the official JavaScript client: list, create and watch.
import * as k8s from '@kubernetes/client-node';
import t from 'tap';
import { startApiserver, type ApiserverProcess } from '../../lib/launch/apiserver-process.js';

let server: ApiserverProcess;
t.before(async () => {
  server = await startApiserver();
});
t.teardown(() => server.stop());

t.test('list, create and watch with client-node', async (t) => {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(server.kubeconfig);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const apps = kc.makeApiClient(k8s.AppsV1Api);

  // 1. list: the system namespaces exist
  const namespaces = await core.listNamespace();
  t.same(
    namespaces.items.map((n) => n.metadata?.name).sort(),
    ['default', 'kube-node-lease', 'kube-public', 'kube-system'],
  );

  // 2. watch configmaps in default, then create one and a deployment
  const seen: { type: string; name?: string; rv?: string }[] = [];
  const watch = new k8s.Watch(kc);
  const request = await watch.watch(
    '/api/v1/namespaces/default/configmaps',
    { resourceVersion: namespaces.metadata?.resourceVersion },
    (type, obj: k8s.V1ConfigMap) => seen.push({ type, name: obj.metadata?.name, rv: obj.metadata?.resourceVersion }),
    () => undefined,
  );
  const created = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'from-client-node', labels: { via: 'client-node' } }, data: { a: '1' } } });
  t.match(created.metadata?.uid, /^[0-9a-f-]{36}$/);
  t.ok(created.metadata?.creationTimestamp instanceof Date, 'timestamps parse as dates');
  const deployment = await apps.createNamespacedDeployment({
    namespace: 'default',
    body: {
      metadata: { name: 'web' },
      spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } } },
    },
  });
  t.equal(deployment.spec?.replicas, 1, 'defaults applied');
  t.equal(deployment.spec?.strategy?.type, 'RollingUpdate');

  const deadline = Date.now() + 5000;
  while (!seen.some((e) => e.name === 'from-client-node') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  t.match(seen, [{ type: 'ADDED', name: 'from-client-node', rv: created.metadata?.resourceVersion }]);

  // 3. list with a label selector finds it
  const listed = await core.listNamespacedConfigMap({ namespace: 'default', labelSelector: 'via=client-node' });
  t.same(listed.items.map((c) => c.metadata?.name), ['from-client-node']);

  // 4. a delete shows up on the watch too
  await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'from-client-node' });
  while (!seen.some((e) => e.type === 'DELETED') && Date.now() < deadline + 5000) await new Promise((r) => setTimeout(r, 20));
  t.equal(seen.at(-1)?.type, 'DELETED');
  request.abort();
});

t.test('a watch-list (sendInitialEvents) with client-node: the current state, the initial-events-end bookmark, then changes', async (t) => {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(server.kubeconfig);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'before-watch-list' }, data: { a: '1' } } });

  // The streaming list recent informers start with: no resourceVersion, NotOlderThan, bookmarks.
  const seen: { type: string; name?: string; initialEventsEnd?: string }[] = [];
  const watch = new k8s.Watch(kc);
  const request = await watch.watch(
    '/api/v1/namespaces/default/configmaps',
    { sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: true },
    (type, obj: k8s.V1ConfigMap) => seen.push({ type, name: obj.metadata?.name, initialEventsEnd: obj.metadata?.annotations?.['k8s.io/initial-events-end'] }),
    () => undefined,
  );
  const until = async (predicate: () => boolean): Promise<boolean> => {
    for (let i = 0; i < 100 && !predicate(); i++) await new Promise((r) => setTimeout(r, 50));
    return predicate();
  };
  t.ok(await until(() => seen.some((e) => e.type === 'BOOKMARK')), 'the initial-events-end bookmark arrives');
  const bookmark = seen.findIndex((e) => e.type === 'BOOKMARK');
  t.equal(seen[bookmark]?.initialEventsEnd, 'true');
  t.ok(seen.slice(0, bookmark).some((e) => e.type === 'ADDED' && e.name === 'before-watch-list'), 'the existing object comes first, as ADDED');
  await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'after-watch-list' }, data: { a: '1' } } });
  t.ok(await until(() => seen.slice(bookmark + 1).some((e) => e.type === 'ADDED' && e.name === 'after-watch-list')), 'a later change follows the bookmark');
  request.abort();
});
