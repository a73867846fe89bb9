// The kubelet's decisions for one pod, without a runtime: init order, restartPolicy, the
// CrashLoopBackOff schedule (immediate, then 10 s doubling to 5 min), admission verdicts worded
// as Kubernetes words them, and the phase and conditions of the reported status.
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import t from 'tap';
import { admitPod } from '../services/kubelet/pods/admission.js';
import { generatePodStatus } from '../services/kubelet/pods/api-status.js';
import { CrashBackoff } from '../services/kubelet/pods/crash-backoff.js';
import { computePlan } from '../services/kubelet/pods/sync-plan.js';
import type { ContainerObservation, PodObservation } from '../services/kubelet/runtime/pod-runtime.js';

const NOW = Date.UTC(2024, 0, 1);

function pod(spec: Partial<Pod['spec']> = {}): Pod {
  return { metadata: { uid: 'u1', name: 'web', namespace: 'default' }, spec: { containers: [{ name: 'app', image: 'busybox' }], ...spec } };
}

function container(name: string, state: ContainerObservation['state'], extra: Partial<ContainerObservation> = {}): ContainerObservation {
  return { name, id: `sim://${name}`, image: 'busybox', imageRef: 'docker.io/library/busybox:latest', attempt: 0, state, createdAt: NOW - 5000, startedAt: NOW - 5000, ...extra };
}

function observed(...containers: ContainerObservation[]): PodObservation {
  return { uid: 'u1', name: 'web', namespace: 'default', sandbox: { id: 's', ready: true, createdAt: NOW - 6000, ips: ['10.244.0.2'] }, containers };
}

t.test('init containers one at a time, then every container', async (t) => {
  const p = pod({ initContainers: [{ name: 'one', image: 'busybox' }, { name: 'two', image: 'busybox' }], containers: [{ name: 'a', image: 'busybox' }, { name: 'b', image: 'busybox' }] });
  const backoff = new CrashBackoff();
  t.same(computePlan({ pod: p, observed: undefined, backoff, now: NOW }).plan, { ensureSandbox: true, kill: [], start: ['one'] });
  t.same(computePlan({ pod: p, observed: observed(container('one', 'running')), backoff, now: NOW }).plan.start, [], 'waits for the running init container');
  t.same(computePlan({ pod: p, observed: observed(container('one', 'exited', { exitCode: 0 })), backoff, now: NOW }).plan.start, ['two']);
  t.same(computePlan({ pod: p, observed: observed(container('one', 'exited', { exitCode: 0 }), container('two', 'exited', { exitCode: 0 })), backoff, now: NOW }).plan.start, ['a', 'b']);
  const failedInit = computePlan({ pod: { ...p, spec: { ...p.spec!, restartPolicy: 'Never' } }, observed: observed(container('one', 'exited', { exitCode: 1 })), backoff, now: NOW });
  t.equal(failedInit.terminal, 'Failed', 'a failed init container fails a Never pod');
});

t.test('restartPolicy and the CrashLoopBackOff schedule', async (t) => {
  const backoff = new CrashBackoff();
  const exited = (finishedAt: number, exitCode = 1): PodObservation => observed(container('app', 'exited', { exitCode, finishedAt }));
  t.same(computePlan({ pod: pod(), observed: exited(NOW), backoff, now: NOW }).plan.start, ['app'], 'the first restart is immediate');
  const held = computePlan({ pod: pod(), observed: exited(NOW + 1000), backoff, now: NOW + 2000 });
  t.same(held.plan.start, []);
  t.same(held.waiting.get('app'), { reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container=app pod=web_default(u1)' });
  t.equal(held.retryInMs, 9000);
  t.same(computePlan({ pod: pod(), observed: exited(NOW + 1000), backoff, now: NOW + 11_000 }).plan.start, ['app'], 'restarted once 10 s passed');
  const doubled = computePlan({ pod: pod(), observed: exited(NOW + 12_000), backoff, now: NOW + 12_000 });
  t.match(doubled.waiting.get('app')?.message, /^back-off 20s /);
  t.equal(computePlan({ pod: pod({ restartPolicy: 'OnFailure' }), observed: exited(NOW, 0), backoff: new CrashBackoff(), now: NOW }).terminal, 'Succeeded', 'OnFailure: exit 0 is final');
  t.equal(computePlan({ pod: pod({ restartPolicy: 'Never' }), observed: exited(NOW, 2), backoff: new CrashBackoff(), now: NOW }).terminal, 'Failed');
});

t.test('status: phase, conditions and container statuses', async (t) => {
  const input = { waiting: new Map(), lastTerminated: new Map(), stopped: false, hostIP: '172.30.0.2', startTime: NOW - 7000, now: NOW };
  const pending = generatePodStatus({ ...input, pod: pod(), observed: undefined });
  t.equal(pending.phase, 'Pending');
  t.match(pending.containerStatuses, [{ name: 'app', state: { waiting: { reason: 'ContainerCreating' } }, ready: false, restartCount: 0, started: false, imageID: '' }]);
  t.match(pending.conditions?.find((c) => c.type === 'Ready'), { status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [app]' });
  const running = generatePodStatus({ ...input, pod: pod(), observed: observed(container('app', 'running', { ready: true })) });
  t.equal(running.phase, 'Running');
  t.equal(running.podIP, '10.244.0.2');
  t.equal(running.startTime, '2023-12-31T23:59:53Z');
  t.same(running.conditions?.map((c) => [c.type, c.status]), [['PodReadyToStartContainers', 'True'], ['Initialized', 'True'], ['Ready', 'True'], ['ContainersReady', 'True'], ['PodScheduled', 'True']]);
  const hostNetwork = generatePodStatus({ ...input, pod: pod({ hostNetwork: true }), observed: { ...observed(container('app', 'running')), sandbox: { id: 's', ready: true, createdAt: NOW, ips: [] } } });
  t.same(hostNetwork.podIPs, [{ ip: '172.30.0.2' }], 'a host-network pod has the node\'s address');
  const deleted = generatePodStatus({ ...input, stopped: true, pod: pod(), observed: observed(container('app', 'exited', { exitCode: 137, reason: 'Error', finishedAt: NOW })) });
  t.equal(deleted.phase, 'Failed', 'a pod stopped by its deletion ends in a terminal phase');
});

t.test('probes: an unhealthy container is killed, then restarted per restartPolicy; started and ready show in the status', async (t) => {
  const backoff = new CrashBackoff();
  const unhealthy = [{ name: 'app', gracePeriodSeconds: 5, reason: 'Unhealthy' }];
  const killed = computePlan({ pod: pod(), observed: observed(container('app', 'running')), backoff, now: NOW, unhealthy });
  t.same(killed.plan, { ensureSandbox: false, kill: [{ name: 'app', gracePeriodSeconds: 5, reason: 'Unhealthy' }], start: [] }, 'killed within the probe\'s grace period');
  t.same(computePlan({ pod: pod(), observed: observed(container('app', 'exited', { exitCode: 137, finishedAt: NOW })), backoff, now: NOW, unhealthy: [] }).plan.start, ['app'], 'then started again');
  const sidecar = pod({ initContainers: [{ name: 'proxy', image: 'busybox', restartPolicy: 'Always' }] });
  t.same(computePlan({ pod: sidecar, observed: observed(container('proxy', 'running'), container('app', 'running')), backoff, now: NOW, unhealthy: [{ name: 'proxy', gracePeriodSeconds: 1, reason: 'Unhealthy' }] }).plan.kill.map((k) => k.name), ['proxy'], 'a sidecar too');

  t.same(computePlan({ pod: sidecar, observed: observed(container('proxy', 'running', { started: false })), backoff, now: NOW }).plan.start, [], 'the containers wait until the sidecar has started');
  t.same(computePlan({ pod: sidecar, observed: observed(container('proxy', 'running', { started: true })), backoff, now: NOW }).plan.start, ['app']);

  const input = { waiting: new Map(), lastTerminated: new Map(), stopped: false, hostIP: '172.30.0.2', startTime: NOW - 7000, now: NOW };
  const starting = generatePodStatus({ ...input, pod: pod(), observed: observed(container('app', 'running', { started: false, ready: false })) });
  t.match(starting.containerStatuses, [{ started: false, ready: false }], 'not started before its startup probe succeeded');
  t.equal(starting.conditions?.find((c) => c.type === 'Ready')?.status, 'False');
  const initializing = generatePodStatus({ ...input, pod: pod({ initContainers: [{ name: 'setup', image: 'busybox' }] }), observed: observed(container('setup', 'running')) });
  t.match(initializing.containerStatuses, [{ name: 'app', state: { waiting: { reason: 'PodInitializing' } } }], 'PodInitializing while init containers run');
});

t.test('admission verdicts', async (t) => {
  const node: Node = { metadata: { name: 'n1', labels: { zone: 'a' } }, spec: { taints: [{ key: 'dedicated', value: 'db', effect: 'NoExecute' }] }, status: { allocatable: { cpu: '2', memory: '1Gi', pods: '2' } } };
  const tolerant = { tolerations: [{ key: 'dedicated', operator: 'Exists' }] };
  const requesting = (cpu: string, extra: Partial<Pod['spec']> = {}): Pod => pod({ containers: [{ name: 'app', image: 'busybox', resources: { requests: { cpu } } }], ...tolerant, ...extra });
  t.same(admitPod(requesting('1'), node, [requesting('500m')]), { admit: true });
  t.same(admitPod(requesting('2'), node, [requesting('500m')]), { admit: false, reason: 'OutOfcpu', message: "Node didn't have enough resource: cpu, requested: 2000, used: 500, capacity: 2000" });
  t.match(admitPod(requesting('1'), node, [requesting('0'), requesting('0')]), { reason: 'OutOfpods', message: "Node didn't have enough resource: pods, requested: 1, used: 2, capacity: 2" });
  t.match(admitPod(requesting('1', { nodeSelector: { zone: 'b' } }), node, []), { reason: 'NodeAffinity', message: "Predicate NodeAffinity failed: node(s) didn't match Pod's node affinity/selector" });
  t.match(admitPod(pod(), node, []), { reason: 'TaintToleration' });
  const port = (p: number): Partial<Pod['spec']> => ({ containers: [{ name: 'app', image: 'busybox', ports: [{ containerPort: 80, hostPort: p }] }], ...tolerant });
  t.match(admitPod(pod(port(8080)), node, [pod(port(8080))]), { reason: 'NodePorts' });
});
