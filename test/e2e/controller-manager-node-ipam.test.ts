// Node IPAM: with --allocate-node-cidrs each node gets its own /24 of --cluster-cidr as
// spec.podCIDR(s); a node that has one keeps it and its subnet is never handed out again; a
// deleted node's subnet goes back.
import type { Node } from 'kubernetes-types/core/v1.js';
import t from 'tap';
import { findResource } from '../../lib/api/resources.js';
import { startControllerCluster } from '../helpers/controller-cluster.js';
import { until } from '../helpers/until.js';

const NODES = findResource('', 'v1', 'nodes')!;

t.test('nodes get distinct pod CIDRs from the cluster CIDR', async (t) => {
  const cluster = await startControllerCluster(t, { controllerManagerArgs: ['--allocate-node-cidrs', '--cluster-cidr', '10.244.0.0/16', '--node-cidr-mask-size', '24'] });
  const { client } = cluster;
  const cidrOf = async (name: string): Promise<string[] | undefined> => (await client.get<Node>(NODES, { name })).spec?.podCIDRs as string[] | undefined;
  await client.create(NODES, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'kept' }, spec: { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'] } });
  for (const name of ['a', 'b']) await client.create(NODES, { apiVersion: 'v1', kind: 'Node', metadata: { name } });
  t.ok(await until(async () => Boolean((await cidrOf('a'))?.length && (await cidrOf('b'))?.length), 10_000), 'both nodes have a pod CIDR');
  const a = await client.get<Node>(NODES, { name: 'a' });
  t.same(a.spec?.podCIDRs, [a.spec?.podCIDR]);
  t.same([(await cidrOf('a'))?.[0], (await cidrOf('b'))?.[0]].sort(), ['10.244.1.0/24', '10.244.2.0/24'], 'the next free /24s; the kept one is not handed out');
  t.same(await cidrOf('kept'), ['10.244.0.0/24']);
  const freed = (await cidrOf('a'))![0];
  await client.delete(NODES, { name: 'a' });
  await client.create(NODES, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'c' } });
  t.ok(await until(async () => (await cidrOf('c'))?.[0] === freed, 10_000), "a deleted node's CIDR is reused");
  const shown = await cluster.kubectl('1.33', ['get', 'node', 'c', '-o', 'jsonpath={.spec.podCIDR}']);
  t.equal(shown.stdout, freed);
});
