// Two controller-managers on the Lease kube-system/kube-controller-manager: only the leader acts
// (the standby, as kube-controller-manager's, is ready but builds no controllers: its workqueues
// stay empty), the standby takes over within the lease duration when the leader is killed, and no
// pod is created twice. /metrics carries Kubernetes'
// workqueue metric names per queue and needs a token; /livez and /readyz are open.
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { findResource } from '../../lib/api/resources.js';
import { adminCall } from '../../lib/client/admin.js';
import { RestClient } from '../../lib/client/rest-client.js';
import { startApiserver } from '../../lib/launch/apiserver-process.js';
import { startControllerManager } from '../../lib/launch/controller-manager-process.js';
import { probe } from '../../lib/process/probe.js';
import { kubectl } from '../helpers/kubectl.js';
import { KubeletStandIn } from '../helpers/kubelet-stand-in.js';
import { until } from '../helpers/until.js';

const LEASES = findResource('coordination.k8s.io', 'v1', 'leases')!;
const PODS = findResource('', 'v1', 'pods')!;
const ELECTION = ['--leader-elect-lease-duration', '15s', '--leader-elect-renew-deadline', '10s', '--leader-elect-retry-period', '2s'];

t.test('active/standby on the kube-controller-manager Lease', async (t) => {
  // 1. an apiserver, a kubelet stand-in and the first controller-manager, which leads
  const apiserver = await startApiserver();
  t.teardown(() => apiserver.stop());
  const client = RestClient.fromKubeconfig(apiserver.kubeconfig);
  t.teardown(() => client.close());
  const kubelet = new KubeletStandIn(client);
  t.teardown(() => kubelet.stop());
  await kubelet.start();
  const first = await startControllerManager(apiserver, [...ELECTION, '--identity', 'first']);
  t.teardown(() => first.kill());
  t.ok(await until(async () => (await client.get<Lease>(LEASES, { namespace: 'kube-system', name: 'kube-controller-manager' }).catch(() => undefined))?.spec?.holderIdentity === 'first', 10_000), 'first holds the lease');

  // 2. a second one stands by: ready, leading nothing
  const second = await startControllerManager(apiserver, [...ELECTION, '--identity', 'second']);
  t.teardown(() => second.kill());
  t.ok(await probe(`${second.url}/readyz`, apiserver.caPem), 'the standby answers /readyz');
  const made = await kubectl('1.33', apiserver.kubeconfig, ['create', 'deployment', 'web', '--image=nginx', '--replicas=3']);
  t.equal(made.code, 0, made.stderr);
  t.ok(await until(async () => (await client.list<Pod>(PODS, { namespace: 'default' })).items.length === 3, 15_000), 'the leader made 3 pods');

  // 3. /metrics: Kubernetes' workqueue names on the leader, nothing added on the standby; a token is needed
  const metrics = await adminCall(first.url, apiserver.caPem, apiserver.token, 'GET', '/metrics');
  t.equal(metrics.status, 200);
  for (const name of ['workqueue_depth', 'workqueue_adds_total', 'workqueue_queue_duration_seconds_bucket', 'workqueue_work_duration_seconds_bucket', 'workqueue_retries_total', 'workqueue_unfinished_work_seconds', 'workqueue_longest_running_processor_seconds']) {
    t.match(metrics.body, new RegExp(`^${name}\\{`, 'm'), name);
  }
  t.match(metrics.body, /^workqueue_adds_total\{name="deployment"[^}]*\} [1-9]/m, 'the deployment queue did work');
  t.match(metrics.body, /^workqueue_adds_total\{name="replicaset"[^}]*\} [1-9]/m, 'so did the replicaset queue');
  const standby = await adminCall(second.url, apiserver.caPem, apiserver.token, 'GET', '/metrics');
  t.notMatch(standby.body, /^workqueue_adds_total\{name="deployment"[^}]*\} [1-9]/m, 'the standby worked on nothing');
  t.equal((await adminCall(first.url, apiserver.caPem, 'not-a-token', 'GET', '/metrics')).status, 401);
  t.ok(await probe(`${first.url}/livez`, apiserver.caPem));

  // 4. kill the leader: within the lease duration the standby leads and acts, with no duplicate pods
  await first.kill('SIGKILL');
  const killedAt = Date.now();
  t.equal((await kubectl('1.33', apiserver.kubeconfig, ['scale', 'deployment/web', '--replicas=5'])).code, 0);
  t.ok(await until(async () => (await client.list<Pod>(PODS, { namespace: 'default' })).items.length === 5, 25_000), 'the standby scaled to 5');
  const tookOver = Date.now() - killedAt;
  t.ok(tookOver < 20_000, `took over in ${tookOver} ms`);
  const lease = await client.get<Lease>(LEASES, { namespace: 'kube-system', name: 'kube-controller-manager' });
  t.equal(lease.spec?.holderIdentity, 'second');
  await sleep(1000);
  t.equal((await client.list<Pod>(PODS, { namespace: 'default' })).items.length, 5, 'no pod created twice');

  // 5. a clean stop releases the lease
  await second.stop();
  const released = await client.get<Lease>(LEASES, { namespace: 'kube-system', name: 'kube-controller-manager' });
  t.notOk(released.spec?.holderIdentity, 'no holder after a clean shutdown');
});
