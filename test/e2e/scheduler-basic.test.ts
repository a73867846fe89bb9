// The scheduler process against a real apiserver: a pending pod is bound to a node and gets a
// Scheduled event worded like Kubernetes'; /metrics counts the attempt; /debug/explain holds
// the attempt; two schedulers with leader election never both schedule, and the standby takes
// over when the leader dies.
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { findResource } from '../../lib/api/resources.js';
import { RestClient } from '../../lib/client/rest-client.js';
import { startApiserver } from '../../lib/launch/apiserver-process.js';
import { probe } from '../../lib/process/probe.js';
import { startScheduler } from '../../lib/launch/scheduler-process.js';
import { adminCall } from '../../lib/client/admin.js';
import { boundNode, node, NODES, pod, podEvents, PODS } from '../helpers/sched-api.js';

const LEASES = findResource('coordination.k8s.io', 'v1', 'leases')!;

t.test('pods are bound with a Scheduled event; a standby scheduler takes over from a dead leader', async (t) => {
  // 1. an apiserver, three nodes created through the API, and a scheduler
  const apiserver = await startApiserver();
  t.teardown(() => apiserver.stop());
  const client = RestClient.fromKubeconfig(apiserver.kubeconfig);
  t.teardown(() => client.close());
  for (const name of ['node-a', 'node-b', 'node-c']) await client.create(NODES, node(name));
  const first = await startScheduler(apiserver, ['--leader-elect-lease-duration', '3s', '--leader-elect-renew-deadline', '2s', '--leader-elect-retry-period', '500ms', '--identity', 'first']);
  t.teardown(() => first.kill());

  // 2. a pod is bound to one of the nodes, with Kubernetes' Scheduled event
  await client.create(PODS, pod('web-1', { cpu: '100m' }));
  const placed = await boundNode(client, 'web-1');
  t.ok(placed && ['node-a', 'node-b', 'node-c'].includes(placed), `web-1 bound (to ${placed})`);
  const scheduled = await podEvents(client, 'web-1', 'Scheduled');
  t.equal(scheduled[0]?.message, `Successfully assigned default/web-1 to ${placed}`);
  t.equal(scheduled[0]?.type, 'Normal');
  t.equal(scheduled[0]?.source?.component, 'default-scheduler');
  const bound = await client.get<Pod>(PODS, { namespace: 'default', name: 'web-1' });
  t.equal(bound.status?.conditions?.find((c) => c.type === 'PodScheduled')?.status, 'True');

  // 3. the attempt shows in /metrics and in /debug/explain
  const metrics = await adminCall(first.url, apiserver.caPem, apiserver.token, 'GET', '/metrics');
  t.match(metrics.body, /scheduler_schedule_attempts_total\{result="scheduled",profile="default-scheduler"[^}]*\} 1/);
  t.match(metrics.body, /scheduler_pending_pods\{queue="active"/);
  const explained = await adminCall(first.url, apiserver.caPem, apiserver.token, 'GET', '/debug/explain/default/web-1');
  t.equal(explained.status, 200);
  t.match(JSON.parse(explained.body), { pod: 'default/web-1', result: 'Scheduled', selectedNode: placed });

  // 4. a second scheduler stands by: ready, holding no lease, binding nothing
  const second = await startScheduler(apiserver, ['--leader-elect-lease-duration', '3s', '--leader-elect-renew-deadline', '2s', '--leader-elect-retry-period', '500ms', '--identity', 'second']);
  t.teardown(() => second.kill());
  t.ok(await probe(`${second.url}/readyz`, apiserver.caPem), 'the standby answers /readyz');
  const lease = await client.get<Lease>(LEASES, { namespace: 'kube-system', name: 'kube-scheduler' });
  t.equal(lease.spec?.holderIdentity, 'first');
  await client.create(PODS, pod('web-2'));
  t.ok(await boundNode(client, 'web-2'), 'the leader binds web-2');
  const secondMetrics = await adminCall(second.url, apiserver.caPem, apiserver.token, 'GET', '/metrics');
  t.notMatch(secondMetrics.body, /scheduler_schedule_attempts_total\{/, 'the standby attempted nothing');

  // 5. kill the leader: the standby takes the lease and binds the next pod
  await first.kill('SIGKILL');
  await client.create(PODS, pod('web-3'));
  t.ok(await boundNode(client, 'web-3', 20_000), 'web-3 bound after failover');
  const taken = await client.get<Lease>(LEASES, { namespace: 'kube-system', name: 'kube-scheduler' });
  t.equal(taken.spec?.holderIdentity, 'second');

  // 6. a clean stop releases the lease at once
  await second.stop();
  await sleep(100);
  const released = await client.get<Lease>(LEASES, { namespace: 'kube-system', name: 'kube-scheduler' });
  t.notOk(released.spec?.holderIdentity, 'no holder after a clean shutdown');
});
