// A real node's kubelet and containerd killed and started again, as a user sees it through the
// API: a kubelet restart adopts the running containers (same container ids, restartCount 0); so
// does a restart of the kubelet and containerd both killed with SIGKILL (the containers live on in
// their shims); and after the whole node was killed (kubelet, containerd, shims and every
// container process, as by a power loss) the pods come back per restartPolicy: Always and
// OnFailure pods run again in a new sandbox with restartCount 1, a running Never pod is Failed,
// a Never pod that had completed stays Succeeded, and the network of every sandbox the node lost
// (the replaced ones', the Failed pod's) is released.
import type { Pod } from 'kubernetes-types/core/v1.js';
import t, { type Test } from 'tap';
import { CriClient } from '../../lib/cri/client.js';
import { adminCall } from '../../lib/client/admin.js';
import { startKubelet } from '../../lib/launch/kubelet-process.js';
import { cgroupPids } from '../../lib/host/cgroups.js';
import { BUSYBOX_IMAGE } from '../../lib/images/local-images.js';
import { killAll, processesWithArgument } from '../../lib/local-nodes/processes.js';
import { POD_NAME_LABEL } from '../../services/kubelet/runtime/cri/labels.js';
import { startKubeletNode } from '../helpers/kubelet-node.js';
import { localNodesSkip } from '../helpers/local-nodes.js';
import { countNodeResources, type NodeResources } from '../helpers/node-resources.js';
import { PODS } from '../helpers/sched-api.js';
import { until } from '../helpers/until.js';

type RestartPolicy = 'Always' | 'OnFailure' | 'Never';

const RUNNING = ['always', 'on-failure', 'never'] as const;

function sleeper(nodeName: string, name: string, restartPolicy: RestartPolicy, script = 'sleep 3600'): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { nodeName, restartPolicy, terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image: BUSYBOX_IMAGE, command: ['sh', '-c', script] }] },
  };
}

t.test('a real node\'s pods live through kubelet and containerd restarts and come back per restartPolicy after the node was killed', { skip: localNodesSkip() }, async (t) => {
  // 1. a node running three sleeping pods (restartPolicy Always, OnFailure, Never) and one completed pod (Never)
  const started = await startKubeletNode(t);
  const { nodes, node, apiserver, client, kubeletFlags } = started;
  let kubelet = started.kubelet;
  let containerdPid = node.containerdPid;
  const cri = new CriClient(node.containerdSocket);
  t.teardown(() => cri.close());
  const get = (name: string) => client.get<Pod>(PODS, { namespace: 'default', name });
  await Promise.all([
    client.create(PODS, sleeper(node.name, 'always', 'Always'), { namespace: 'default' }),
    client.create(PODS, sleeper(node.name, 'on-failure', 'OnFailure'), { namespace: 'default' }),
    client.create(PODS, sleeper(node.name, 'never', 'Never'), { namespace: 'default' }),
    client.create(PODS, sleeper(node.name, 'done', 'Never', 'echo done'), { namespace: 'default' }),
  ]);
  let seen: Record<string, unknown> = {};
  t.ok(await until(async () => {
    seen = Object.fromEntries(await Promise.all([...RUNNING, 'done'].map(async (name) => [name, (await get(name)).status?.phase])));
    return RUNNING.every((name) => seen[name] === 'Running') && seen.done === 'Succeeded';
  }, 60_000, 250), `the pods run, the completed one Succeeded: ${JSON.stringify(seen)}`);
  const first = Object.fromEntries(await Promise.all(RUNNING.map(async (name) => [name, (await get(name)).status?.containerStatuses?.[0]?.containerID])));
  const sandboxOf = async (name: string) => (await cri.listPodSandbox({ labelSelector: { [POD_NAME_LABEL]: name }, state: { state: 'SANDBOX_READY' } }))[0]?.id;
  const firstSandbox = await sandboxOf('always');

  /** Every running pod still runs its first container (same id, restartCount 0, running in containerd), the completed pod is still Succeeded. */
  const unchanged = async (t: Test, after: string) => {
    for (const name of RUNNING) {
      const pod = await get(name);
      const status = pod.status?.containerStatuses?.[0];
      t.equal(pod.status?.phase, 'Running', `${after}: ${name} runs`);
      t.equal(status?.containerID, first[name], `${after}: ${name} keeps its container`);
      t.equal(status?.restartCount, 0, `${after}: ${name} was not restarted`);
    }
    const running = new Set((await cri.listContainers({ state: { state: 'CONTAINER_RUNNING' } })).map((c) => `containerd://${c.id}`));
    t.ok(RUNNING.every((name) => running.has(first[name] as string)), `${after}: containerd still runs the first containers`);
    t.equal((await get('done')).status?.phase, 'Succeeded', `${after}: the completed pod stays Succeeded`);
  };
  /** The restarted kubelet has relisted the runtime twice and synced every pod (its metrics say so): what it would change, it has. */
  const synced = async () => {
    let counts = '';
    const ok = await until(async () => {
      const metrics = (await adminCall(kubelet.url, apiserver.caPem, apiserver.token, 'GET', '/metrics')).body;
      const count = (series: RegExp) => Number(series.exec(metrics)?.[1] ?? 0);
      const relists = count(/^kubelet_pleg_relist_duration_seconds_count\{[^}]*\} (\d+)/m);
      const syncs = count(/^kubelet_pod_worker_duration_seconds_count\{[^}]*operation="sync"[^}]*\} (\d+)/m);
      counts = `${relists} relists, ${syncs} pod syncs`;
      return relists >= 2 && syncs >= RUNNING.length + 1;
    }, 60_000, 250);
    t.ok(ok, `the restarted kubelet relisted and synced its pods (${counts})`);
  };

  // 2. a kubelet killed and started again adopts the running containers
  await kubelet.kill('SIGKILL');
  kubelet = await startKubelet(apiserver, kubeletFlags);
  t.teardown(() => kubelet.stop());
  await synced();
  await t.test('after a kubelet restart', (t) => unchanged(t, 'kubelet restart'));

  // 3. the kubelet and containerd killed (the containers live on in their shims) and started again: the same
  await kubelet.kill('SIGKILL');
  await killAll(() => [containerdPid]);
  containerdPid = await nodes.startContainerd(node);
  kubelet = await startKubelet(apiserver, kubeletFlags);
  await synced();
  await t.test('after a kubelet and containerd restart', (t) => unchanged(t, 'containerd restart'));

  // 4. the whole node killed: kubelet, containerd, the shims and every container process
  await kubelet.kill('SIGKILL');
  await killAll(() => [...processesWithArgument(node.containerdSocket), ...cgroupPids(node.cgroupParent)]);
  containerdPid = await nodes.startContainerd(node);
  kubelet = await startKubelet(apiserver, kubeletFlags);

  // 5. Always and OnFailure pods run again, in a new sandbox, as the second attempt of their container
  let pods: Record<string, Pod> = {};
  t.ok(await until(async () => {
    pods = Object.fromEntries(await Promise.all([...RUNNING, 'done'].map(async (name) => [name, await get(name)])));
    const back = (name: string) => pods[name]?.status?.phase === 'Running' && pods[name]?.status?.containerStatuses?.[0]?.state?.running !== undefined && pods[name]?.status?.containerStatuses?.[0]?.restartCount === 1;
    return back('always') && back('on-failure') && pods.never?.status?.phase === 'Failed';
  }, 60_000, 250), `the pods are back per restartPolicy: ${JSON.stringify(Object.fromEntries(Object.entries(pods).map(([name, pod]) => [name, [pod.status?.phase, pod.status?.containerStatuses?.[0]?.state, pod.status?.containerStatuses?.[0]?.restartCount]])))}`);
  for (const name of ['always', 'on-failure']) {
    const status = pods[name]?.status?.containerStatuses?.[0];
    t.not(status?.containerID, first[name], `${name} runs a new container`);
    t.equal(status?.lastState?.terminated?.containerID, first[name], `${name}'s last state is its killed container`);
  }
  t.not(await sandboxOf('always'), firstSandbox, 'in a new sandbox');
  // 6. a Never pod whose container was killed is Failed; the completed one stays Succeeded
  const never = pods.never?.status?.containerStatuses?.[0];
  t.equal(never?.containerID, first.never, 'the Never pod keeps its container');
  t.not(never?.state?.terminated?.exitCode ?? 0, 0, `which ended with a failure: ${JSON.stringify(never?.state)}`);
  t.equal(pods.done?.status?.phase, 'Succeeded', 'the completed pod stays Succeeded');

  // 7. the network of the sandboxes the node lost is released (Kubernetes' killPod stops them): only the two running pods hold one
  let held: NodeResources | undefined;
  const released = await until(async () => {
    held = await countNodeResources(node, cri);
    return held.networkNamespaces === 2 && held.addressLeases === 2 && held.veths === 3;
  }, 30_000, 250);
  t.ok(released, `the pods' network namespaces, addresses and veths are the two running pods' (and the node's eth0): ${JSON.stringify(held)}`);
});
