// The controller-manager's pure rules against Kubernetes' own: --controllers selection, the order
// in which a ReplicaSet deletes pods, slow-start batches, maxSurge/maxUnavailable fenceposts, the
// new ReplicaSet's size at each step, pod-template-hash stability, EndpointSlice contents, and where
// DaemonSets run their pods.
import type { Pod } from 'kubernetes-types/core/v1.js';
import t from 'tap';
import { CidrSet } from '../services/controller-manager/cidr-set.js';
import { CONTROLLER_NAMES, controllerServiceAccount, selectControllers } from '../services/controller-manager/controller-names.js';
import { CONTROLLER_CLUSTER_ROLE_BINDINGS, CONTROLLER_CLUSTER_ROLES } from '../services/apiserver/rbac/controller-roles.js';
import { maxUnavailable, newReplicaSetReplicas, resolveFenceposts, templateHash } from '../services/controller-manager/deployment/rollout-math.js';
import type { DeploymentObject, ReplicaSetObject } from '../services/controller-manager/deployment/types.js';
import { affinityForNode, nodeShouldRunDaemonPod, rollingLimits, targetNodeName } from '../services/controller-manager/daemon-set.js';
import { desiredSlices } from '../services/controller-manager/endpoint-slice.js';
import { Expectations } from '../services/controller-manager/expectations.js';
import { parseSchedule } from '../services/controller-manager/cronjob/schedule.js';
import { formatIndexes, parseIndexes } from '../services/controller-manager/job/completed-indexes.js';
import { PodFailureBackoff } from '../services/controller-manager/job/pod-failure-backoff.js';
import { matchPodFailurePolicy } from '../services/controller-manager/job/pod-failure-policy.js';
import { podsToDelete } from '../services/controller-manager/pod-ranking.js';
import { slowStartBatch } from '../services/controller-manager/replica-set.js';
import { FakeClock } from '../lib/client/clock.js';

t.test('--controllers: "*" and names with their pre-1.28 aliases, "-name" leaves one out', async (t) => {
  t.same([...selectControllers(['*'])].sort(), ['cronjob-controller', 'daemonset-controller', 'deployment-controller', 'endpointslice-controller', 'garbage-collector-controller', 'job-controller', 'namespace-controller', 'node-ipam-controller', 'node-lifecycle-controller', 'persistentvolume-protection-controller', 'persistentvolumeclaim-protection-controller', 'pod-garbage-collector-controller', 'replicaset-controller', 'replicationcontroller-controller', 'root-ca-certificate-publisher-controller', 'serviceaccount-controller', 'statefulset-controller', 'disruption-controller', 'taint-eviction-controller', 'ttl-after-finished-controller'].sort());
  t.same([...selectControllers(['deployment', 'replicaset'])].sort(), ['deployment-controller', 'replicaset-controller']);
  t.same([...selectControllers(['*', '-garbagecollector', '-endpointslice-controller', '-serviceaccount', '-root-ca-cert-publisher', '-nodeipam', '-nodelifecycle', '-taint-eviction-controller', '-job', '-cronjob-controller', '-daemonset', '-statefulset', '-disruption', '-podgc', '-ttl-after-finished', '-pv-protection', '-pvc-protection'])].sort(), ['deployment-controller', 'namespace-controller', 'replicaset-controller', 'replicationcontroller-controller']);
  t.same([...selectControllers(['horizontalpodautoscaling', 'deployment-controller'])], ['deployment-controller'], 'a known controller Rudder does not run is accepted and not run');
  t.throws(() => selectControllers(['*', 'nosuch']), /"nosuch" is not in the list of known controllers/);
});

t.test('--use-service-account-credentials: every controller Rudder runs has a system:controller role bound to its ServiceAccount', async (t) => {
  t.equal(controllerServiceAccount('taint-eviction-controller'), 'node-controller', "taint eviction shares node-controller's account, as in Kubernetes");
  t.equal(controllerServiceAccount('garbage-collector-controller'), 'generic-garbage-collector');
  for (const { name, serviceAccount } of CONTROLLER_NAMES) {
    t.ok(CONTROLLER_CLUSTER_ROLES.some((r) => r.metadata?.name === `system:controller:${serviceAccount}`), `${name}: ClusterRole system:controller:${serviceAccount}`);
    const binding = CONTROLLER_CLUSTER_ROLE_BINDINGS.find((b) => b.metadata?.name === `system:controller:${serviceAccount}`);
    t.same(binding?.subjects, [{ kind: 'ServiceAccount', name: serviceAccount, namespace: 'kube-system' }], `${name}: bound to kube-system/${serviceAccount}`);
  }
});

function pod(name: string, extra: { node?: string; phase?: string; ready?: boolean; readySince?: string; cost?: number; restarts?: number; created?: string } = {}): Pod {
  return {
    metadata: { name, creationTimestamp: extra.created ?? '2026-01-01T00:00:00Z', ...(extra.cost !== undefined ? { annotations: { 'controller.kubernetes.io/pod-deletion-cost': String(extra.cost) } } : {}) },
    spec: { containers: [], ...(extra.node ? { nodeName: extra.node } : {}) },
    status: {
      phase: extra.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: extra.ready === false ? 'False' : 'True', lastTransitionTime: extra.readySince ?? '2026-01-01T00:00:00Z' }],
      containerStatuses: [{ name: 'c', image: 'i', imageID: '', ready: true, restartCount: extra.restarts ?? 0 }],
    },
  } as Pod;
}

t.test('scale-down deletes the pods Kubernetes ranks first', async (t) => {
  const now = Date.parse('2026-01-02T00:00:00Z');
  const names = (pods: Pod[]): string[] => pods.map((p) => p.metadata!.name!);
  // 1. unscheduled, then Pending, then not ready, then running and ready
  const pods = [pod('ready', { node: 'n1' }), pod('notready', { node: 'n2', ready: false }), pod('pending', { node: 'n3', phase: 'Pending', ready: false }), pod('unscheduled', { phase: 'Pending', ready: false })];
  t.same(names(podsToDelete(pods, pods, 3, now)), ['unscheduled', 'pending', 'notready']);
  // 2. lower deletion cost first, then pods doubled up on a node, then ready for less time
  const a = pod('a', { node: 'n1', cost: 10 });
  const b = pod('b', { node: 'n1' });
  const c = pod('c', { node: 'n2' });
  const d = pod('d', { node: 'n3', readySince: '2026-01-01T23:59:58Z' });
  t.same(names(podsToDelete([a, b, c, d], [a, b, c, d], 3, now)), ['b', 'd', 'c'], 'b shares n1 (and costs less than a); d has been ready for 2 s');
  // 3. more restarts first, then the newer pod
  const old = pod('old', { node: 'x', created: '2025-01-01T00:00:00Z' });
  const young = pod('young', { node: 'y', created: '2026-01-01T23:00:00Z' });
  const crashy = pod('crashy', { node: 'z', restarts: 5, created: '2025-01-01T00:00:00Z' });
  t.same(names(podsToDelete([old, young, crashy], [old, young, crashy], 2, now)), ['crashy', 'young']);
});

t.test('slow start: batches of 1, 2, 4, ... that stop at the first failing batch', async (t) => {
  const batches: number[] = [];
  let inFlight = 0;
  let calls = 0;
  const result = await slowStartBatch(10, 1, async () => {
    if (inFlight === 0) batches.push(0);
    inFlight++;
    batches[batches.length - 1]!++;
    const call = ++calls;
    await new Promise((r) => setImmediate(r));
    inFlight--;
    if (call === 5) throw new Error('quota');
  });
  t.same(batches, [1, 2, 4], 'the batch holding the failure is the last');
  t.equal(result.created, 6);
  t.match(result.error?.message, 'quota');
});

function deployment(replicas: number, maxSurge?: number | string, maxUnavailableValue?: number | string): DeploymentObject {
  return { metadata: { name: 'web' }, spec: { replicas, selector: {}, template: {}, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable: maxUnavailableValue } } } } as DeploymentObject;
}

t.test('maxSurge rounds up and maxUnavailable down; both zero means one unavailable', async (t) => {
  t.same(resolveFenceposts(deployment(10)), [3, 2], '25% of 10');
  t.same(resolveFenceposts(deployment(2)), [1, 0]);
  t.same(resolveFenceposts(deployment(4, 0, 0)), [0, 1]);
  t.same(resolveFenceposts(deployment(5, '40%', '10%')), [2, 0]);
  t.equal(maxUnavailable(deployment(3, 0, 10)), 3, 'never more than the replicas');
  t.throws(() => resolveFenceposts(deployment(3, 'lots')), /invalid value "lots"/);
});

t.test('the new ReplicaSet grows only into the surge room and up to the desired count', async (t) => {
  const rs = (replicas: number): ReplicaSetObject => ({ spec: { replicas, selector: {} } }) as ReplicaSetObject;
  const d = deployment(4, 1, 0);
  const newRS = rs(0);
  t.equal(newReplicaSetReplicas(d, [rs(4), newRS], newRS), 1, '4 old + 1 surge');
  const grown = rs(1);
  t.equal(newReplicaSetReplicas(d, [rs(4), grown], grown), 1, 'no room until an old pod goes');
  t.equal(newReplicaSetReplicas(d, [rs(3), grown], grown), 2);
  t.equal(newReplicaSetReplicas({ ...d, spec: { ...d.spec!, strategy: { type: 'Recreate' } } } as DeploymentObject, [rs(4), newRS], newRS), 4, 'Recreate: all at once');
});

t.test('pod-template-hash: stable for a template, changed by the template and the collision count', async (t) => {
  const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } };
  const hash = templateHash(template, undefined);
  t.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
  t.equal(templateHash(structuredClone(template), undefined), hash);
  t.equal(templateHash({ ...template, metadata: { labels: { app: 'web', 'pod-template-hash': 'x' } } }, undefined), hash, 'the hash label itself does not count');
  t.not(templateHash({ ...template, spec: { containers: [{ name: 'web', image: 'nginx:1.28' }] } }, undefined), hash);
  t.not(templateHash(template, 1), hash);
});

t.test('expectations: a controller waits for its own creations and deletions to be observed', async (t) => {
  const clock = new FakeClock(0);
  const e = new Expectations(clock);
  t.ok(e.satisfied('ns/rs'));
  e.expectCreations('ns/rs', 2);
  e.creationObserved('ns/rs');
  t.notOk(e.satisfied('ns/rs'), 'one creation still unseen');
  e.creationObserved('ns/rs');
  t.ok(e.satisfied('ns/rs'));
  e.expectDeletions('ns/rs', ['ns/a']);
  t.notOk(e.satisfied('ns/rs'));
  await clock.advance(5 * 60 * 1000 + 1);
  t.ok(e.satisfied('ns/rs'), 'expired after five minutes');
});

t.test('EndpointSlices: ready, serving and terminating; named ports per pod; at most N per slice', async (t) => {
  const svc = { metadata: { name: 'web', namespace: 'default', uid: 'u' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'web' }] } };
  const mk = (name: string, ip: string, extra: { ready?: boolean; deleting?: boolean; containerPort?: number; phase?: string } = {}): Pod =>
    ({
      metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: { app: 'web' }, ...(extra.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
      spec: { nodeName: 'n1', containers: [{ name: 'c', ports: [{ name: 'web', containerPort: extra.containerPort ?? 8080 }] }] },
      status: { phase: extra.phase ?? 'Running', podIP: ip, conditions: [{ type: 'Ready', status: extra.ready === false ? 'False' : 'True' }] },
    }) as Pod;
  const pods = [mk('a', '10.0.0.1'), mk('b', '10.0.0.2', { ready: false }), mk('c', '10.0.0.3', { deleting: true }), mk('d', '10.0.0.4', { containerPort: 9090 }), mk('e', '10.0.0.5', { phase: 'Succeeded' })];
  const slices = desiredSlices(svc as never, pods, 100);
  t.equal(slices.length, 2, 'two port sets: 8080 and 9090');
  const main = slices.find((s) => s.ports[0]?.port === 8080)!;
  t.same(main.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
  t.same(main.endpoints.map((e) => [e.targetRef?.name, e.conditions]), [
    ['a', { ready: true, serving: true, terminating: false }],
    ['b', { ready: false, serving: false, terminating: false }],
    ['c', { ready: false, serving: true, terminating: true }],
  ]);
  t.same(slices.find((s) => s.ports[0]?.port === 9090)!.endpoints.map((e) => e.addresses), [['10.0.0.4']]);
  const many = Array.from({ length: 250 }, (_, i) => mk(`p${String(i).padStart(3, '0')}`, `10.1.${Math.floor(i / 200)}.${i % 200}`));
  t.same(desiredSlices(svc as never, many, 100).map((s) => s.endpoints.length), [100, 100, 50]);
  t.same(desiredSlices(svc as never, [], 100), [{ addressType: 'IPv4', ports: [], endpoints: [] }], 'no pods: one empty slice');
});

t.test('node pod CIDRs: the cluster CIDR cut by the mask size, lowest free first, each once', async (t) => {
  const set = new CidrSet('10.244.0.0/16', 24);
  t.ok(set.occupy('10.244.1.0/24'), 'an existing node keeps its CIDR');
  t.notOk(set.occupy('10.245.0.0/24'), 'a CIDR outside the cluster CIDR is not the set\'s');
  t.equal(set.allocateNext(), '10.244.0.0/24');
  t.equal(set.allocateNext(), '10.244.2.0/24');
  set.release('10.244.0.0/24');
  t.equal(set.allocateNext(), '10.244.0.0/24', 'a released CIDR is handed out again');
  const tiny = new CidrSet('10.0.0.0/30', 31);
  t.same([tiny.allocateNext(), tiny.allocateNext(), tiny.allocateNext()], ['10.0.0.0/31', '10.0.0.2/31', undefined]);
  t.throws(() => new CidrSet('10.0.0.0/24', 16), /must be between the cluster CIDR's prefix \(24\) and 32/);
  t.throws(() => new CidrSet('10.0.0.300/16', 24), /invalid IPv4 address/);
});

t.test('Job completedIndexes are written as Kubernetes writes them', async (t) => {
  t.equal(formatIndexes([4, 0, 1, 2, 6, 7, 9, 10, 11, 12]), '0-2,4,6,7,9-12');
  t.equal(formatIndexes([]), '');
  t.same([...parseIndexes('0-2,4,6,7,9-12', 11)].sort((a, b) => a - b), [0, 1, 2, 4, 6, 7, 9, 10], 'indexes past completions are dropped');
  t.same([...parseIndexes('x,3', 5)], [3], 'malformed parts are skipped');
});

t.test('a Job pod failure policy: the first matching rule decides, with Kubernetes\' message', async (t) => {
  const failed = { metadata: { namespace: 'ns', name: 'p' }, status: { phase: 'Failed', conditions: [{ type: 'DisruptionTarget', status: 'True' }], containerStatuses: [{ name: 'main', image: 'i', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 42 } } }] } } as Pod;
  const spec = (rules: unknown[]) => ({ template: {}, podFailurePolicy: { rules } }) as never;
  t.same(matchPodFailurePolicy(spec([{ action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }]), failed), { counts: true, failJobMessage: 'Container main for pod ns/p failed with exit code 42 matching FailJob rule at index 0' });
  t.same(matchPodFailurePolicy(spec([{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }, { action: 'FailJob', onExitCodes: { operator: 'NotIn', values: [0] } }]), failed), { counts: false });
  t.same(matchPodFailurePolicy(spec([{ action: 'FailJob', onExitCodes: { operator: 'NotIn', values: [42] } }, { action: 'FailJob', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }]), failed), { counts: true, failJobMessage: 'Pod ns/p has condition DisruptionTarget matching FailJob rule at index 1' });
  t.same(matchPodFailurePolicy(spec([]), failed), { counts: true });
});

t.test('CronJob schedules fire when robfig/cron\'s standard parser says', async (t) => {
  const at = (text: string, from: string, zone?: string): string | undefined => {
    const next = parseSchedule(text, zone).next(Date.parse(from));
    return next === undefined ? undefined : new Date(next).toISOString();
  };
  t.equal(at('* * * * *', '2026-03-01T10:00:00Z'), '2026-03-01T10:01:00.000Z', 'strictly after');
  t.equal(at('*/15 * * * *', '2026-03-01T10:07:30Z'), '2026-03-01T10:15:00.000Z');
  t.equal(at('30 2 * * mon-fri', '2026-03-06T03:00:00Z'), '2026-03-09T02:30:00.000Z', 'Friday after 02:30: next Monday');
  t.equal(at('0 0 13 * 5', '2026-03-01T00:00:00Z'), '2026-03-06T00:00:00.000Z', 'day of month OR day of week when both are set');
  t.equal(at('0 0 13 * *', '2026-03-01T00:00:00Z'), '2026-03-13T00:00:00.000Z');
  t.equal(at('@monthly', '2026-03-01T00:00:00Z'), '2026-04-01T00:00:00.000Z');
  t.equal(at('0 9 * * *', '2026-03-01T00:00:00Z', 'Europe/Berlin'), '2026-03-01T08:00:00.000Z', 'in the CronJob\'s time zone');
  t.equal(at('CRON_TZ=America/New_York 0 9 * * *', '2026-07-01T00:00:00Z'), '2026-07-01T13:00:00.000Z', 'a CRON_TZ prefix');
  t.equal(at('0 0 30 2 *', '2026-01-01T00:00:00Z'), undefined, 'never');
  t.throws(() => parseSchedule('* * *'), /expected exactly 5 fields/);
});

t.test('a Job waits 10 s after a failure, doubled per failure since the last success, at most 10 minutes', async (t) => {
  const failedAt = (iso: string): Pod => ({ metadata: { creationTimestamp: '2026-01-01T00:00:00Z' }, status: { phase: 'Failed', containerStatuses: [{ name: 'c', image: 'i', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 1, finishedAt: iso } } }] } }) as Pod;
  const backoff = new PodFailureBackoff();
  const t0 = Date.parse('2026-01-01T00:01:00Z');
  t.equal(backoff.remainingMs('ns/j', t0), 0, 'no failure, no wait');
  backoff.observe('ns/j', [], [failedAt('2026-01-01T00:01:00Z')]);
  t.equal(backoff.remainingMs('ns/j', t0 + 4000), 6000);
  backoff.observe('ns/j', [], [failedAt('2026-01-01T00:02:00Z')]);
  t.equal(backoff.remainingMs('ns/j', t0 + 60_000), 20_000, 'doubled');
  for (let i = 0; i < 10; i++) backoff.observe('ns/j', [], [failedAt('2026-01-01T00:03:00Z')]);
  t.equal(backoff.remainingMs('ns/j', t0 + 120_000), 600_000, 'capped at 10 minutes');
  backoff.observe('ns/j', [failedAt('2026-01-01T00:04:00Z')], []);
  t.equal(backoff.remainingMs('ns/j', t0 + 180_000), 0, 'a success resets it');
});

t.test('DaemonSets: which nodes run a daemon pod, the affinity that pins it, the rolling limits', async (t) => {
  const template = { spec: { containers: [{ name: 'c', image: 'x' }], nodeSelector: { disk: 'ssd' } } };
  const node = (labels: Record<string, string>, taints: { key: string; effect: string; value?: string }[] = []) => ({ metadata: { name: 'n1', labels }, spec: { taints } });
  t.same(nodeShouldRunDaemonPod(node({ disk: 'ssd' }), template), { shouldRun: true, shouldContinueRunning: true });
  t.same(nodeShouldRunDaemonPod(node({ disk: 'hdd' }), template), { shouldRun: false, shouldContinueRunning: false }, 'nodeSelector');
  t.same(nodeShouldRunDaemonPod(node({ disk: 'ssd' }, [{ key: 'dedicated', effect: 'NoSchedule' }]), template), { shouldRun: false, shouldContinueRunning: true }, 'a NoSchedule taint keeps running pods');
  t.same(nodeShouldRunDaemonPod(node({ disk: 'ssd' }, [{ key: 'dedicated', effect: 'NoExecute' }]), template), { shouldRun: false, shouldContinueRunning: false }, 'a NoExecute taint does not');
  t.same(nodeShouldRunDaemonPod(node({ disk: 'ssd' }, [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }]), template).shouldRun, true, 'the daemon tolerations');
  t.same(nodeShouldRunDaemonPod(node({ disk: 'ssd' }, [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }]), template).shouldRun, false);
  t.same(nodeShouldRunDaemonPod(node({ disk: 'ssd' }, [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }]), { spec: { ...template.spec, hostNetwork: true } }).shouldRun, true, 'network-unavailable only for hostNetwork');
  const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] }] } } };
  t.same(nodeShouldRunDaemonPod(node({ disk: 'hdd' }), { spec: { containers: [], affinity } }).shouldRun, false, 'required node affinity');
  const pinned = affinityForNode(affinity, 'n7');
  t.same(pinned.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution, { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n7'] }] }] });
  t.equal(targetNodeName({ spec: { containers: [], affinity: pinned } }), 'n7');
  t.equal(targetNodeName({ spec: { containers: [], nodeName: 'n8', affinity: pinned } }), 'n8');
  t.same(rollingLimits({ spec: { selector: {}, template: {}, updateStrategy: { rollingUpdate: { maxUnavailable: '10%' } } } }, 15), { maxSurge: 0, maxUnavailable: 2 }, 'percentages round up');
  t.same(rollingLimits({ spec: { selector: {}, template: {}, updateStrategy: { rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } } } }, 5), { maxSurge: 0, maxUnavailable: 1 }, 'never both zero');
  t.same(rollingLimits({ spec: { selector: {}, template: {}, updateStrategy: { rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } } } }, 5), { maxSurge: 2, maxUnavailable: 0 });
});
