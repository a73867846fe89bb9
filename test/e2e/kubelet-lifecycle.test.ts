// The container lifecycle on a real node (its own containerd, real containers), as a user sees it
// through the API: a crashing container restarts with a growing CrashLoopBackOff; a failing
// liveness probe restarts its container with Kubernetes' Unhealthy and Killing events; a
// readiness probe on a file drives the container's ready flag, the pod's Ready condition and its
// Service's EndpointSlice; httpGet, tcpSocket and grpc probes reach a real pod; a
// container over its memory limit ends OOMKilled; init containers run first, in order; a failing
// postStart hook kills its container; deleting a
// pod runs its preStop hook before SIGTERM and sends SIGKILL once the grace period is over.
import { readFileSync } from 'node:fs';
import type { Event, Pod } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import t from 'tap';
import { CriClient } from '../../lib/cri/client.js';
import { BUSYBOX_IMAGE, NODE_IMAGE } from '../../lib/images/local-images.js';
import { runCommand } from '../../lib/process/run.js';
import { startControllerManager } from '../../lib/launch/controller-manager-process.js';
import { findResource } from '../../lib/api/resources.js';
import { startKubeletNode } from '../helpers/kubelet-node.js';
import { kubectl } from '../helpers/kubectl.js';
import { localNodesSkip } from '../helpers/local-nodes.js';
import { EVENTS, PODS } from '../helpers/sched-api.js';
import { until } from '../helpers/until.js';

const ENDPOINT_SLICES = findResource('discovery.k8s.io', 'v1', 'endpointslices')!;
const SERVICES = findResource('', 'v1', 'services')!;

t.test('containers on a real node live, restart, probe and stop as in Kubernetes', { skip: localNodesSkip() }, async (t) => {
  const { node, client, apiserver } = await startKubeletNode(t);
  // the EndpointSlice controller, to show that readiness reaches a Service's endpoints
  const controllers = await startControllerManager(apiserver, ['--controllers', 'endpointslice']);
  t.teardown(() => controllers.stop());
  // This kubelet runs on the host, not in the node: like a node's kubelet, it reaches the pods through a route.
  await runCommand('ip', ['route', 'add', node.podCIDR, 'via', node.address]);
  t.teardown(() => runCommand('ip', ['route', 'del', node.podCIDR, 'via', node.address]).catch(() => undefined));
  const cri = new CriClient(node.containerdSocket);
  t.teardown(() => cri.close());

  const get = (name: string) => client.get<Pod>(PODS, { namespace: 'default', name });
  const make = (name: string, spec: Omit<NonNullable<Pod['spec']>, 'nodeName'>) =>
    client.create<Pod>(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels: { story: name } }, spec: { nodeName: node.name, terminationGracePeriodSeconds: 1, ...spec } }, { namespace: 'default' });
  /** The pod once its first container restarted, or undefined after `timeoutMs`. */
  const restarted = async (name: string, timeoutMs: number): Promise<Pod | undefined> => {
    let pod: Pod | undefined;
    const ok = await until(async () => ((pod = await get(name)).status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1, timeoutMs, 200);
    return ok ? pod : undefined;
  };
  const sh = (script: string) => ({ image: BUSYBOX_IMAGE, command: ['sh', '-c', script] });
  const containerOf = async (pod: string, container: string) => {
    const listed = await cri.listContainers({ state: { state: 'CONTAINER_RUNNING' } });
    return listed.find((c) => c.labels['io.kubernetes.pod.name'] === pod && c.labels['io.kubernetes.container.name'] === container);
  };
  const eventsOf = async (pod: string) => (await client.list<Event>(EVENTS, { namespace: 'default' })).items.filter((e) => e.involvedObject.name === pod);

  // every story's pod at once: they run side by side on the node
  const httpGet = { path: '/healthz', port: 'http', httpHeaders: [{ name: 'X-Probe', value: 'yes' }] };
  await make('web', {
    containers: [
      {
        name: 'main',
        image: NODE_IMAGE,
        command: ['node', '-e', "require('http').createServer((q, s) => s.writeHead(q.headers['x-probe'] === 'yes' && /^kube-probe\\//.test(q.headers['user-agent']) ? 200 : 400).end()).listen(8080)"],
        ports: [{ name: 'http', containerPort: 8080 }],
        startupProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1, failureThreshold: 30 },
        readinessProbe: { httpGet, periodSeconds: 1 },
        livenessProbe: { httpGet, periodSeconds: 1, failureThreshold: 1 },
      },
      {
        // a gRPC health server in a few lines of node:http2: SERVING (field 1 = 1) to every Check
        name: 'grpc',
        image: NODE_IMAGE,
        command: ['node', '-e', "require('http2').createServer().on('stream', (st) => { st.resume(); st.on('end', () => { st.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true }); st.on('wantTrailers', () => st.sendTrailers({ 'grpc-status': '0' })); st.end(Buffer.from([0, 0, 0, 0, 2, 8, 1])); }); }).listen(9090)"],
        readinessProbe: { grpc: { port: 9090 }, periodSeconds: 1 },
      },
    ],
  });
  await make('crash', { containers: [{ name: 'main', ...sh('echo bye; exit 3') }] });
  await make('liveness', {
    containers: [{ name: 'main', ...sh('touch /tmp/healthy; sleep 3; rm /tmp/healthy; sleep 3600'), livenessProbe: { exec: { command: ['cat', '/tmp/healthy'] }, periodSeconds: 1, failureThreshold: 2 } }],
  });
  await make('slow-probe', { containers: [{ name: 'main', ...sh('sleep 3600'), readinessProbe: { exec: { command: ['sleep', '5'] }, periodSeconds: 1, timeoutSeconds: 1 } }] });
  await client.create(SERVICES, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'readiness', namespace: 'default' }, spec: { selector: { story: 'readiness' }, ports: [{ port: 80 }] } }, { namespace: 'default' });
  await make('readiness', { containers: [{ name: 'main', ...sh('sleep 3600'), readinessProbe: { exec: { command: ['test', '-f', '/tmp/ready'] }, periodSeconds: 1 } }] });
  await make('oom', { restartPolicy: 'Never', containers: [{ name: 'main', ...sh('tail /dev/zero'), resources: { limits: { memory: '16Mi' } } }] });
  await make('init', {
    initContainers: [
      { name: 'first', ...sh('sleep 2') },
      { name: 'second', ...sh('sleep 1') },
    ],
    containers: [{ name: 'main', ...sh('sleep 3600') }],
  });
  // watched from the start: the init containers are done long before their story is told
  let sawInitializing = false;
  const initRuns = until(async () => {
    const pod = await get('init');
    if (pod.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'PodInitializing' && pod.status.conditions?.find((c) => c.type === 'Initialized')?.status === 'False') sawInitializing = true;
    return pod.status?.phase === 'Running';
  }, 40_000, 100);
  await make('poststart', { containers: [{ name: 'main', ...sh('sleep 3600'), lifecycle: { postStart: { exec: { command: ['false'] } } } }] });
  await make('graceful', {
    terminationGracePeriodSeconds: 5,
    containers: [{ name: 'main', ...sh("trap 'echo got SIGTERM' TERM; echo started; while true; do sleep 0.2; done"), lifecycle: { preStop: { exec: { command: ['sh', '-c', 'echo preStop ran > /proc/1/fd/1; sleep 1'] } } } }],
  });

  await t.test('a crashing container restarts with a growing back-off', async (t) => {
    const restartsAt: number[] = [];
    let pod: Pod | undefined;
    const backOffs = new Set<string>();
    t.ok(await until(async () => {
      pod = await get('crash');
      const status = pod.status?.containerStatuses?.[0];
      const count = status?.restartCount ?? 0;
      while (restartsAt.length < count) restartsAt.push(Date.now());
      if (status?.state?.waiting?.reason === 'CrashLoopBackOff') backOffs.add(status.state.waiting.message?.replace(/\(.*/, '') ?? '');
      return count >= 3;
    }, 75_000, 200), 'restarted three times');
    const status = pod?.status?.containerStatuses?.[0];
    t.equal(status?.lastState?.terminated?.exitCode, 3, 'lastState keeps the exit code');
    t.equal(status?.lastState?.terminated?.reason, 'Error');
    t.ok(backOffs.has('back-off 10s restarting failed container=main pod=crash_default'), `waiting in CrashLoopBackOff 10s, then 20s: ${[...backOffs].join('; ')}`);
    t.ok(backOffs.has('back-off 20s restarting failed container=main pod=crash_default'));
    const backOffEvents = (await eventsOf('crash')).filter((e) => e.reason === 'BackOff');
    const backOffCount = backOffEvents.reduce((sum, e) => sum + (e.count ?? 1), 0);
    t.ok(backOffCount >= 2, `a BackOff event per back-off step, counted on one Event (count ${backOffCount})`);
    t.match(backOffEvents[0], { type: 'Warning', message: /^Back-off restarting failed container main in pod crash_default\(/ });
    const first = restartsAt[1]! - restartsAt[0]!;
    const second = restartsAt[2]! - restartsAt[1]!;
    t.ok(first >= 8_000, `about 10 s before the second restart (${first} ms)`);
    t.ok(second >= 17_000 && second > first, `about 20 s before the third (${second} ms)`);
  });

  await t.test('a failing liveness probe restarts the container', async (t) => {
    const pod = await restarted('liveness', 40_000);
    t.ok(pod, 'restarted');
    t.equal(pod?.status?.containerStatuses?.[0]?.lastState?.terminated?.exitCode, 137, 'killed');
    let events: Event[] = [];
    await until(async () => (events = await eventsOf('liveness')).some((e) => e.reason === 'Killing'), 10_000, 250);
    const unhealthy = events.find((e) => e.reason === 'Unhealthy');
    t.equal(unhealthy?.type, 'Warning');
    t.match(unhealthy?.message, /^Liveness probe failed: cat: can't open '\/tmp\/healthy': No such file or directory/);
    t.equal(events.find((e) => e.reason === 'Killing')?.message, 'Container main failed liveness probe, will be restarted');
    const described = await kubectl('1.33', apiserver.kubeconfig, ['describe', 'pod', 'liveness']);
    t.equal(described.code, 0, described.stderr);
    t.match(described.stdout, /Warning\s+Unhealthy\s+.*kubelet\s+Liveness probe failed: cat: can't open '\/tmp\/healthy'/, 'kubectl describe shows the failed probe');
    t.match(described.stdout, /Normal\s+Killing\s+.*kubelet\s+Container main failed liveness probe, will be restarted/);
  });

  await t.test('a readiness probe drives ready, the Ready condition and the EndpointSlice', async (t) => {
    const ready = async () => {
      const pod = await get('readiness');
      return { container: pod.status?.containerStatuses?.[0]?.ready, condition: pod.status?.conditions?.find((c) => c.type === 'Ready')?.status, containers: pod.status?.conditions?.find((c) => c.type === 'ContainersReady')?.status, running: !!pod.status?.containerStatuses?.[0]?.state?.running };
    };
    const endpointReady = async () => {
      const slices = await client.list<EndpointSlice>(ENDPOINT_SLICES, { namespace: 'default', labelSelector: 'kubernetes.io/service-name=readiness' });
      return slices.items.flatMap((slice) => slice.endpoints ?? []).find((e) => e.targetRef?.name === 'readiness')?.conditions?.ready;
    };
    t.ok(await until(async () => (await ready()).running, 30_000, 200), 'running');
    t.same(await ready(), { container: false, condition: 'False', containers: 'False', running: true }, 'not ready while the file is missing');
    const container = await containerOf('readiness', 'main');
    await cri.execSync(container!.id, ['touch', '/tmp/ready'], 5);
    t.ok(await until(async () => (await ready()).condition === 'True', 15_000, 200), 'Ready once the file exists');
    t.same(await ready(), { container: true, condition: 'True', containers: 'True', running: true });
    t.ok(await until(async () => (await endpointReady()) === true, 15_000, 200), "the Service's EndpointSlice has the pod ready");
    await cri.execSync(container!.id, ['rm', '/tmp/ready'], 5);
    t.ok(await until(async () => (await ready()).condition === 'False', 15_000, 200), 'not Ready once it is gone again');
    t.equal((await ready()).container, false);
    t.ok(await until(async () => (await endpointReady()) === false, 15_000, 200), 'and not ready again');

    let timedOut: Event | undefined;
    t.ok(await until(async () => !!(timedOut = (await eventsOf('slow-probe')).find((e) => e.reason === 'Unhealthy')), 15_000, 250), 'a probe slower than its timeout fails');
    t.equal(timedOut?.message, 'Readiness probe failed: command "sleep 5" timed out');
    t.equal((await get('slow-probe')).status?.conditions?.find((c) => c.type === 'Ready')?.status, 'False');
  });

  await t.test('httpGet, tcpSocket and grpc probes reach the pod', async (t) => {
    let pod: Pod | undefined;
    t.ok(await until(async () => {
      pod = await get('web');
      return pod.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
    }, 30_000, 200), 'Ready: the startup probe connected, the readiness probes got 200 (with its headers) and SERVING');
    t.match(pod?.status?.containerStatuses, [{ name: 'main', started: true, ready: true, restartCount: 0 }, { name: 'grpc', ready: true }], 'the liveness probe is content too');
    t.same((await eventsOf('web')).filter((e) => e.reason === 'Unhealthy' && !/^(Startup probe failed: dial tcp .*connection refused|Readiness probe failed: timeout: failed to connect service .*)$/.test(e.message ?? '')).map((e) => e.message), [], 'no other probe failed');
  });

  await t.test('a container over its memory limit ends OOMKilled', async (t) => {
    let pod: Pod | undefined;
    // containerd reports the OOM event apart from the exit: the reason may read Error until the next relist.
    t.ok(await until(async () => {
      pod = await get('oom');
      return pod.status?.containerStatuses?.[0]?.state?.terminated?.reason === 'OOMKilled';
    }, 40_000, 250), 'terminated');
    t.equal(pod?.status?.containerStatuses?.[0]?.state?.terminated?.reason, 'OOMKilled');
    t.equal(pod?.status?.containerStatuses?.[0]?.state?.terminated?.exitCode, 137);
    t.equal(pod?.status?.phase, 'Failed');
  });

  await t.test('init containers run first, in order', async (t) => {
    t.ok(await initRuns, 'running');
    const pod = await get('init');
    t.ok(sawInitializing, 'the container waited in PodInitializing while the init containers ran');
    const [first, second] = pod?.status?.initContainerStatuses ?? [];
    const main = pod?.status?.containerStatuses?.[0];
    t.equal(first?.state?.terminated?.reason, 'Completed');
    t.equal(second?.state?.terminated?.reason, 'Completed');
    const at = (time: string | undefined) => Date.parse(time ?? '');
    t.ok(at(first?.state?.terminated?.finishedAt) <= at(second?.state?.terminated?.startedAt), 'second starts after first finished');
    t.ok(at(second?.state?.terminated?.finishedAt) <= at(main?.state?.running?.startedAt), 'main starts after the init containers');
    t.equal(pod?.status?.conditions?.find((c) => c.type === 'Initialized')?.status, 'True');
  });

  await t.test('a failing postStart hook kills the container, which restarts', async (t) => {
    t.ok(await restarted('poststart', 20_000), 'restarted');
    const events = await eventsOf('poststart');
    t.match(events.find((e) => e.reason === 'FailedPostStartHook'), { type: 'Warning', message: 'PostStartHook failed' });
    t.ok(events.some((e) => e.reason === 'Killing' && e.message === 'FailedPostStartHook'), 'and a Killing event');
  });

  await t.test('preStop runs before SIGTERM and SIGKILL follows the grace period', async (t) => {
    t.ok(await until(async () => (await get('graceful')).status?.phase === 'Running', 30_000, 200), 'running');
    const container = await containerOf('graceful', 'main');
    const logPath = (await cri.containerStatus(container!.id)).status.logPath;
    const began = Date.now();
    await client.delete(PODS, { namespace: 'default', name: 'graceful' });
    let log = '';
    await until(() => {
      try {
        log = readFileSync(logPath, 'utf8');
      } catch {
        // removed with the pod
      }
      return log.includes('got SIGTERM');
    }, 10_000, 100);
    const lines = log.split('\n').map((line) => line.split(' ').slice(3).join(' '));
    t.ok(lines.indexOf('preStop ran') >= 0 && lines.indexOf('preStop ran') < lines.indexOf('got SIGTERM'), `preStop ran before SIGTERM: ${JSON.stringify(lines)}`);
    t.ok(await until(async () => !(await containerOf('graceful', 'main')), 15_000, 100), 'the container is gone');
    const took = Date.now() - began;
    t.ok(took >= 4_500 && took < 9_000, `killed once the 5 s grace period was over (${took} ms)`);
    t.ok((await eventsOf('graceful')).some((e) => e.reason === 'Killing' && e.message === 'Stopping container main'), 'a Killing event: Stopping container main');
  });
});
