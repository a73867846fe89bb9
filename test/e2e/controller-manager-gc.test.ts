// Deletion as a user sees it with the controller-manager running: deleting a Deployment removes
// its ReplicaSets and pods in the background (the default) and in the foreground (the Deployment
// stays, marked, until its dependents are gone); --cascade=orphan leaves them, released; deleting
// a namespace removes everything in it, then the namespace. A kubelet stand-in removes pods once
// they are marked for deletion.
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { Namespace, Pod } from 'kubernetes-types/core/v1.js';
import t from 'tap';
import { findResource } from '../../lib/api/resources.js';
import { StatusError } from '../../lib/api/status.js';
import { startControllerCluster } from '../helpers/controller-cluster.js';
import { until } from '../helpers/until.js';

const PODS = findResource('', 'v1', 'pods')!;
const RS = findResource('apps', 'v1', 'replicasets')!;
const DEPLOYMENTS = findResource('apps', 'v1', 'deployments')!;
const NAMESPACES = findResource('', 'v1', 'namespaces')!;

t.test('background, foreground and orphan deletion; namespace deletion', async (t) => {
  const cluster = await startControllerCluster(t);
  const { client } = cluster;
  const kc = (...args: string[]): ReturnType<typeof cluster.kubectl> => cluster.kubectl('1.33', args);
  const count = async (app: string): Promise<{ rs: number; pods: number }> => ({
    rs: (await client.list<ReplicaSet>(RS, { namespace: 'default', labelSelector: `app=${app}` })).items.length,
    pods: (await client.list<Pod>(PODS, { namespace: 'default', labelSelector: `app=${app}` })).items.length,
  });
  const exists = async (name: string): Promise<boolean> => {
    try {
      await client.get<Deployment>(DEPLOYMENTS, { namespace: 'default', name });
      return true;
    } catch (error) {
      if (error instanceof StatusError && error.status.code === 404) return false;
      throw error;
    }
  };
  for (const name of ['bg', 'fg', 'keep']) {
    t.equal((await kc('create', 'deployment', name, '--image=nginx', '--replicas=2')).code, 0);
    t.equal((await kc('rollout', 'status', `deployment/${name}`, '--timeout=30s')).code, 0);
    t.same(await count(name), { rs: 1, pods: 2 });
  }

  // 1. background (kubectl's default): the Deployment goes at once, the rest after it
  t.equal((await kc('delete', 'deployment', 'bg')).code, 0);
  t.ok(await until(async () => JSON.stringify(await count('bg')) === JSON.stringify({ rs: 0, pods: 0 }), 15_000), 'ReplicaSet and pods collected');

  // 2. foreground: dependents first, then the Deployment
  const foreground = await kc('delete', 'deployment', 'fg', '--cascade=foreground', '--wait=false');
  t.equal(foreground.code, 0, foreground.stderr);
  const marked = await client.get<Deployment>(DEPLOYMENTS, { namespace: 'default', name: 'fg' }).catch(() => undefined);
  if (marked) t.ok(marked.metadata?.finalizers?.includes('foregroundDeletion'), 'held by foregroundDeletion while its dependents go');
  t.ok(await until(async () => !(await exists('fg')), 15_000), 'the Deployment is gone at the end');
  t.same(await count('fg'), { rs: 0, pods: 0 }, 'with everything it owned');

  // 3. orphan: the ReplicaSet and pods stay, without the owner reference
  t.equal((await kc('delete', 'deployment', 'keep', '--cascade=orphan')).code, 0);
  t.ok(await until(async () => !(await exists('keep')), 10_000));
  t.ok(await until(async () => !(await client.list<ReplicaSet>(RS, { namespace: 'default', labelSelector: 'app=keep' })).items[0]?.metadata?.ownerReferences?.length, 10_000), 'the ReplicaSet is released');
  t.same(await count('keep'), { rs: 1, pods: 2 }, 'and keeps its pods');

  // 4. deleting a namespace deletes its content, then the namespace
  t.equal((await kc('create', 'namespace', 'shop')).code, 0);
  t.equal((await kc('-n', 'shop', 'create', 'deployment', 'web', '--image=nginx', '--replicas=3')).code, 0);
  t.equal((await kc('-n', 'shop', 'create', 'configmap', 'settings', '--from-literal=a=b')).code, 0);
  t.equal((await kc('-n', 'shop', 'rollout', 'status', 'deployment/web', '--timeout=30s')).code, 0);
  const deleted = await kc('delete', 'namespace', 'shop', '--timeout=30s');
  t.equal(deleted.code, 0, deleted.stderr);
  const gone = await client.get<Namespace>(NAMESPACES, { name: 'shop' }).then(() => false, (error: unknown) => error instanceof StatusError && error.status.code === 404);
  t.ok(gone, 'the namespace is gone');
  t.equal((await client.list<Pod>(PODS, { namespace: 'shop' })).items.length, 0, 'with its pods');
});
