// What every namespace gets from the controller-manager, as on Kubernetes: the ServiceAccount
// "default" and the ConfigMap "kube-root-ca.crt" holding the cluster CA; either deleted comes back.
import type { ConfigMap, ServiceAccount } from 'kubernetes-types/core/v1.js';
import t from 'tap';
import { findResource } from '../../lib/api/resources.js';
import { startControllerCluster } from '../helpers/controller-cluster.js';
import { until } from '../helpers/until.js';

const SERVICE_ACCOUNTS = findResource('', 'v1', 'serviceaccounts')!;
const CONFIG_MAPS = findResource('', 'v1', 'configmaps')!;

t.test('a new namespace gets its default ServiceAccount and kube-root-ca.crt', async (t) => {
  const cluster = await startControllerCluster(t);
  const { client } = cluster;
  const account = (ns: string): Promise<ServiceAccount | undefined> => client.get<ServiceAccount>(SERVICE_ACCOUNTS, { namespace: ns, name: 'default' }).catch(() => undefined);
  const rootCa = (ns: string): Promise<ConfigMap | undefined> => client.get<ConfigMap>(CONFIG_MAPS, { namespace: ns, name: 'kube-root-ca.crt' }).catch(() => undefined);

  t.ok(await until(async () => Boolean(await account('default')), 10_000), 'namespaces that existed before get them too');
  t.equal((await cluster.kubectl('1.33', ['create', 'namespace', 'team'])).code, 0);
  t.ok(await until(async () => Boolean(await account('team')), 10_000), 'default ServiceAccount');
  t.ok(await until(async () => Boolean(await rootCa('team')), 10_000), 'kube-root-ca.crt');
  const published = await rootCa('team');
  t.equal(published?.data?.['ca.crt'], cluster.apiserver.caPem, 'the cluster CA');
  t.match(published?.metadata?.annotations?.['kubernetes.io/description'], /CA bundle that can be used to verify the kube-apiserver/);
  const listed = await cluster.kubectl('1.27', ['-n', 'team', 'get', 'serviceaccounts', '-o', 'name']);
  t.match(listed.stdout, 'serviceaccount/default');

  t.equal((await cluster.kubectl('1.33', ['-n', 'team', 'delete', 'serviceaccount', 'default'])).code, 0);
  t.equal((await cluster.kubectl('1.33', ['-n', 'team', 'delete', 'configmap', 'kube-root-ca.crt'])).code, 0);
  t.ok(await until(async () => Boolean(await account('team')) && Boolean(await rootCa('team')), 10_000), 'both come back');
  await client.patch(CONFIG_MAPS, { namespace: 'team', name: 'kube-root-ca.crt' }, { data: { 'ca.crt': 'tampered' } });
  t.ok(await until(async () => (await rootCa('team'))?.data?.['ca.crt'] === cluster.apiserver.caPem, 10_000), 'an edited bundle is put back');
});
