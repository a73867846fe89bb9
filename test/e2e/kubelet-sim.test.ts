// The kubelet process with the simulated runtime against a real apiserver: nodes register and stay
// Ready with their Leases renewed; a bound pod runs with an address from its node's pod CIDR; a
// Job's pod completes; a crashing container is restarted with back-off; graceful deletion ends
// with the object gone; a restarted kubelet adopts its pods; admission refuses what does not fit.
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { findResource } from '../../lib/api/resources.js';
import { StatusError } from '../../lib/api/status.js';
import { adminCall } from '../../lib/client/admin.js';
import { RestClient } from '../../lib/client/rest-client.js';
import { startApiserver } from '../../lib/launch/apiserver-process.js';
import { startKubelet } from '../../lib/launch/kubelet-process.js';
import { probe } from '../../lib/process/probe.js';
import { cidrContains, parseCidr } from '../../services/kubelet/network/cidr.js';
import { NODES, PODS } from '../helpers/sched-api.js';
import { until } from '../helpers/until.js';

const LEASES = findResource('coordination.k8s.io', 'v1', 'leases')!;

function simPod(name: string, nodeName: string, extra: { labels?: Record<string, string>; ownerKind?: string; restartPolicy?: string; cpu?: string; grace?: number } = {}): Pod {
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: extra.labels },
    spec: { nodeName, containers: [{ name: 'app', image: 'rudder.local/busybox:stable', resources: extra.cpu ? { requests: { cpu: extra.cpu } } : {} }] },
  };
  if (extra.restartPolicy) pod.spec!.restartPolicy = extra.restartPolicy;
  if (extra.grace !== undefined) pod.spec!.terminationGracePeriodSeconds = extra.grace;
  if (extra.ownerKind) pod.metadata!.ownerReferences = [{ apiVersion: 'batch/v1', kind: extra.ownerKind, name: `${name}-owner`, uid: '6f1b3a52-0000-4000-8000-000000000001', controller: true }];
  return pod;
}

async function getPod(client: RestClient, name: string): Promise<Pod | undefined> {
  try {
    return await client.get<Pod>(PODS, { namespace: 'default', name });
  } catch (error) {
    if (error instanceof StatusError && error.code === 404) return undefined;
    throw error;
  }
}

t.test('simulated nodes run pods through their lifecycle', async (t) => {
  // 1. an apiserver and a kubelet hosting three simulated nodes; stages: pods labelled crash exit 1
  //    after 300 ms, pods labelled slow-stop take 1 s to stop
  const apiserver = await startApiserver();
  t.teardown(() => apiserver.stop());
  const client = RestClient.fromKubeconfig(apiserver.kubeconfig);
  t.teardown(() => client.close());
  const dir = mkdtempSync(join(tmpdir(), 'rudder-kubelet-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const stages = join(dir, 'stages.yaml');
  writeFileSync(
    stages,
    [
      'stages:',
      '- {name: start, step: start}',
      '- {name: ready, step: ready}',
      '- {name: crash, step: exit, selector: {labels: {sim: crash}}, delay: 300ms, exitCode: 1}',
      '- {name: job-complete, step: exit, selector: {ownerKinds: [Job]}, delay: 200ms}',
      '- {name: slow-stop, step: stop, selector: {labels: {sim: slow-stop}}, delay: 1s}',
      '- {name: stop, step: stop}',
    ].join('\n'),
  );
  const args = ['--sim-nodes', '3', '--root-dir', join(dir, 'kubelet'), '--sim-stages', stages, '--node-lease-duration-seconds', '4', '--node-capacity', 'cpu=2,memory=4Gi'];
  let kubelet = await startKubelet(apiserver, args);
  t.teardown(() => kubelet.kill());

  // 2. three Ready nodes with disjoint pod CIDRs, the host's nodeInfo and allocatable from the flags
  const nodes = (await client.list<Node>(NODES)).items;
  t.same(nodes.map((n) => n.metadata?.name).sort(), ['sim-node-0', 'sim-node-1', 'sim-node-2']);
  t.equal(new Set(nodes.map((n) => n.spec?.podCIDR)).size, 3, 'each node has its own pod CIDR');
  for (const node of nodes) {
    t.equal(node.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True', `${node.metadata?.name} Ready`);
    t.equal(node.status?.conditions?.find((c) => c.type === 'Ready')?.reason, 'KubeletReady');
    t.same(node.status?.conditions?.map((c) => c.type).sort(), ['DiskPressure', 'MemoryPressure', 'PIDPressure', 'Ready']);
  }
  const node1 = nodes.find((n) => n.metadata?.name === 'sim-node-1')!;
  t.match(node1.status, { capacity: { cpu: '2', memory: '4Gi', pods: '110' }, allocatable: { cpu: '2', pods: '110' }, nodeInfo: { containerRuntimeVersion: /^sim:\/\//, kubeletVersion: 'v1.36.3+rudder', operatingSystem: 'linux' } });
  t.equal(node1.status?.allocatable?.memory, '3996Mi', 'allocatable memory keeps the 100Mi eviction threshold out');

  // 3. the Lease is renewed every second (a quarter of 4 s)
  const lease = await client.get<Lease>(LEASES, { namespace: 'kube-node-lease', name: 'sim-node-1' });
  t.equal(lease.spec?.holderIdentity, 'sim-node-1');
  t.equal(lease.metadata?.ownerReferences?.[0]?.kind, 'Node');
  t.ok(await until(async () => (await client.get<Lease>(LEASES, { namespace: 'kube-node-lease', name: 'sim-node-1' })).spec?.renewTime !== lease.spec?.renewTime, 5000), 'the Lease renewTime moves');
  t.ok(await probe(`${kubelet.url}/livez`, apiserver.caPem), '/livez answers');
  const still = await client.get<Node>(NODES, { name: 'sim-node-1' });
  t.equal(still.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True', 'still Ready after its Lease was renewed');

  // 4. a pod bound to sim-node-1 runs and is Ready with an address of that node's CIDR
  await client.create(PODS, simPod('web', 'sim-node-1'));
  t.ok(await until(async () => (await getPod(client, 'web'))?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false, 10_000), 'web becomes Ready');
  const web = (await getPod(client, 'web'))!;
  t.equal(web.status?.phase, 'Running');
  t.ok(cidrContains(parseCidr(node1.spec!.podCIDR!), web.status!.podIP!), `podIP ${web.status?.podIP} is in ${node1.spec?.podCIDR}`);
  t.equal(web.status?.hostIP, node1.status?.addresses?.find((a) => a.type === 'InternalIP')?.address);
  t.match(web.status?.containerStatuses?.[0], { name: 'app', ready: true, started: true, restartCount: 0, containerID: /^sim:\/\//, state: { running: { startedAt: String } } });
  t.same(web.status?.conditions?.map((c) => c.type), ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']);

  // 5. a Job's pod (restartPolicy Never) completes: Succeeded, its container terminated with Completed
  await client.create(PODS, simPod('job-pod', 'sim-node-2', { ownerKind: 'Job', restartPolicy: 'Never' }));
  t.ok(await until(async () => (await getPod(client, 'job-pod'))?.status?.phase === 'Succeeded', 10_000), 'the Job pod Succeeded');
  const job = (await getPod(client, 'job-pod'))!;
  t.match(job.status?.containerStatuses?.[0]?.state?.terminated, { exitCode: 0, reason: 'Completed' });
  t.match(job.status?.conditions?.find((c) => c.type === 'Ready'), { status: 'False', reason: 'PodCompleted' });

  // 6. a crashing container is restarted, then held in CrashLoopBackOff with its last state
  await client.create(PODS, simPod('crasher', 'sim-node-0', { labels: { sim: 'crash' } }));
  t.ok(await until(async () => (await getPod(client, 'crasher'))?.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff', 10_000), 'crasher in CrashLoopBackOff');
  const crasher = (await getPod(client, 'crasher'))!;
  const crashed = crasher.status!.containerStatuses![0]!;
  t.ok((crashed.restartCount ?? 0) >= 1, `restarted ${crashed.restartCount} time(s)`);
  t.match(crashed.lastState?.terminated, { exitCode: 1, reason: 'Error' });
  t.match(crashed.state?.waiting?.message, /^back-off 10s restarting failed container=app pod=crasher_default\(/);
  t.equal(crasher.status?.phase, 'Running');

  // 7. admission: 3 cpu on a 2-cpu node is refused as Kubernetes reports it
  await client.create(PODS, simPod('too-big', 'sim-node-2', { cpu: '3' }));
  t.ok(await until(async () => (await getPod(client, 'too-big'))?.status?.phase === 'Failed', 10_000), 'too-big Failed');
  const refused = (await getPod(client, 'too-big'))!;
  t.equal(refused.status?.reason, 'OutOfcpu');
  t.equal(refused.status?.message, "Pod was rejected: Node didn't have enough resource: cpu, requested: 3000, used: 0, capacity: 2000");

  // 8. graceful deletion: the pod is Terminating for its stop stage (1 s), then removed
  await client.create(PODS, simPod('stopper', 'sim-node-0', { labels: { sim: 'slow-stop' }, grace: 30 }));
  t.ok(await until(async () => (await getPod(client, 'stopper'))?.status?.phase === 'Running', 10_000));
  await client.delete(PODS, { namespace: 'default', name: 'stopper' });
  const terminating = await getPod(client, 'stopper');
  t.ok(terminating?.metadata?.deletionTimestamp, 'the pod is terminating, not gone at once');
  t.ok(await until(async () => (await getPod(client, 'stopper')) === undefined, 10_000), 'the kubelet finished the deletion');

  // 9. /metrics carries the kubelet's names
  const metrics = await adminCall(kubelet.url, apiserver.caPem, apiserver.token, 'GET', '/metrics');
  t.match(metrics.body, /kubelet_running_pods\{[^}]*\} [1-9]/);
  t.match(metrics.body, /kubelet_pod_start_duration_seconds_count\{[^}]*\} [1-9]/);
  t.match(metrics.body, /kubelet_running_containers\{container_state="running"/);
  t.match(metrics.body, /kubelet_admission_rejections_total\{reason="OutOfcpu"/);

  // 10. a restarted kubelet adopts what runs: same container, same start times, no restart
  await kubelet.stop();
  kubelet = await startKubelet(apiserver, args);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const adopted = (await getPod(client, 'web'))!;
  t.equal(adopted.status?.startTime, web.status?.startTime, 'startTime unchanged');
  t.equal(adopted.status?.containerStatuses?.[0]?.containerID, web.status?.containerStatuses?.[0]?.containerID, 'same container');
  t.same(adopted.status?.containerStatuses?.[0]?.state, web.status?.containerStatuses?.[0]?.state, 'same running state');
  t.equal(adopted.status?.containerStatuses?.[0]?.restartCount, 0);
  t.equal(adopted.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');

  // 11. a pod deleted while the kubelet was away is removed from the runtime; new pods still run
  await kubelet.stop();
  await client.delete(PODS, { namespace: 'default', name: 'web' });
  kubelet = await startKubelet(apiserver, args);
  t.ok(await until(async () => (await getPod(client, 'web')) === undefined, 10_000), 'the pod deleted meanwhile is gone');
  await client.create(PODS, simPod('web-2', 'sim-node-1'));
  t.ok(await until(async () => (await getPod(client, 'web-2'))?.status?.phase === 'Running', 10_000), 'web-2 runs after the restart');
  t.equal((await getPod(client, 'web-2'))?.status?.podIP, web.status?.podIP, "web's address went back to the node's pool and is handed out again");
});
