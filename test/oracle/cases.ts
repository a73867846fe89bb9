// Random clusters and pods for the differential tests against kube-scheduler (the oracle):
// capacities with extended resources, taints (NoSchedule, PreferNoSchedule, NoExecute),
// cordoned nodes, zones and labels, images, existing pods with labels, ports and affinity, and
// a pod with requests, tolerations, node selector, node affinity, pod affinity and
// anti-affinity, topology spread constraints, host ports and images.
import fc from 'fast-check';
import type { Container, Node, NodeSelectorTerm, Pod, PodAffinity, PodAffinityTerm, Taint, Toleration, TopologySpreadConstraint, WeightedPodAffinityTerm } from 'kubernetes-types/core/v1.js';

export interface OracleCase {
  nodes: Node[];
  /** Pods already bound (spec.nodeName set to one of the nodes). */
  pods: Pod[];
  pod: Pod;
}

const MiB = 1024 * 1024;
const KEYS = ['disk', 'gpu', 'cores'];
const VALUES = ['a', 'b', 'ssd', '4', '16', '64'];
const ZONES = ['z1', 'z2', 'z3'];
const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;
const IMAGES = ['nginx:1.25', 'redis:latest', 'busybox:latest', 'big:1', 'tiny:1'];
const IMAGE_SIZES = [5 * MiB, 30 * MiB, 300 * MiB, 900 * MiB, 2000 * MiB];
const APPS = ['web', 'db', 'cache'];
const GPU = 'example.com/gpu';
const TOPOLOGY_KEYS = ['kubernetes.io/hostname', 'topology.kubernetes.io/zone'];

/** `arb` in about one case of `outOf`, otherwise undefined. */
function sometimes<T>(arb: fc.Arbitrary<T>, outOf: number): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: outOf - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
}

/** A non-empty list in about one case of `outOf`, otherwise an empty one. */
function sometimesList<T>(arb: fc.Arbitrary<T>, outOf: number, maxLength: number): fc.Arbitrary<T[]> {
  return sometimes(fc.array(arb, { minLength: 1, maxLength }), outOf).map((l) => l ?? []);
}

const taint: fc.Arbitrary<Taint> = fc.record({ key: fc.constantFrom(...KEYS), value: fc.constantFrom('', ...VALUES), effect: fc.constantFrom(...EFFECTS) });
const toleration: fc.Arbitrary<Toleration> = fc.oneof(
  fc.record({ key: fc.constantFrom(...KEYS), operator: fc.constant('Equal'), value: fc.constantFrom(...VALUES), effect: fc.constantFrom('', ...EFFECTS) }),
  fc.record({ key: fc.constantFrom('', ...KEYS), operator: fc.constant('Exists'), effect: fc.constantFrom('', ...EFFECTS) }),
  fc.constant({ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }),
);

const nodeArb = fc.record({
  cpu: fc.integer({ min: 1, max: 16 }).map((c) => c * 1000),
  memory: fc.integer({ min: 1, max: 32 }).map((g) => g * 1024),
  pods: fc.integer({ min: 2, max: 20 }),
  gpu: fc.integer({ min: 0, max: 4 }),
  unschedulable: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  taints: sometimesList(taint, 3, 2),
  zone: fc.option(fc.constantFrom(...ZONES), { nil: undefined, freq: 6 }),
  labels: fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), { maxKeys: 2 }),
  images: fc.subarray([0, 1, 2, 3, 4]),
});

const requirement = fc.oneof(
  fc.record({ key: fc.constantFrom(...KEYS, 'topology.kubernetes.io/zone'), operator: fc.constantFrom('In', 'NotIn'), values: fc.subarray([...VALUES, ...ZONES], { minLength: 1, maxLength: 3 }) }),
  fc.record({ key: fc.constantFrom(...KEYS), operator: fc.constantFrom('Exists', 'DoesNotExist') }),
  fc.record({ key: fc.constant('cores'), operator: fc.constantFrom('Gt', 'Lt'), values: fc.constantFrom('8', '20').map((v) => [v]) }),
);
const fieldRequirement = fc.record({ key: fc.constant('metadata.name'), operator: fc.constantFrom('In', 'NotIn'), values: fc.constantFrom('n0', 'n1', 'n2', 'n9').map((v) => [v]) });
const nodeTerm: fc.Arbitrary<NodeSelectorTerm> = fc
  .record({ matchExpressions: fc.array(requirement, { maxLength: 2 }), matchFields: sometimesList(fieldRequirement, 4, 1) })
  .map(({ matchExpressions, matchFields }) => ({
    // A term needs at least one requirement.
    matchExpressions: matchExpressions.length > 0 || matchFields.length > 0 ? matchExpressions : [{ key: 'disk', operator: 'Exists' }],
    ...(matchFields.length > 0 ? { matchFields } : {}),
  }));

const selector = fc.record({
  matchExpressions: fc.array(fc.oneof(fc.record({ key: fc.constant('app'), operator: fc.constantFrom('In', 'NotIn'), values: fc.subarray(APPS, { minLength: 1 }) }), fc.record({ key: fc.constantFrom('app', 'tier'), operator: fc.constantFrom('Exists', 'DoesNotExist') })), { minLength: 1, maxLength: 1 }),
});
const podTerm: fc.Arbitrary<PodAffinityTerm> = fc.record({ labelSelector: selector, topologyKey: fc.constantFrom(...TOPOLOGY_KEYS) });
const weighted = fc.array(fc.record({ weight: fc.integer({ min: 1, max: 100 }), podAffinityTerm: podTerm }), { maxLength: 2 });

const podAffinityArb = fc.record({
  affinityRequired: sometimesList(podTerm, 4, 1),
  affinityPreferred: weighted,
  antiRequired: sometimesList(podTerm, 4, 1),
  antiPreferred: weighted,
});

const spreadArb: fc.Arbitrary<TopologySpreadConstraint> = fc
  .record({
    maxSkew: fc.integer({ min: 1, max: 3 }),
    topologyKey: fc.constantFrom(...TOPOLOGY_KEYS),
    whenUnsatisfiable: fc.constantFrom('DoNotSchedule', 'ScheduleAnyway'),
    labelSelector: selector,
    minDomains: sometimes(fc.integer({ min: 1, max: 4 }), 4),
    nodeAffinityPolicy: sometimes(fc.constantFrom('Honor', 'Ignore'), 3),
    nodeTaintsPolicy: sometimes(fc.constantFrom('Honor', 'Ignore'), 3),
  })
  .map(({ minDomains, nodeAffinityPolicy, nodeTaintsPolicy, ...c }) => ({
    ...c,
    // minDomains is valid only with DoNotSchedule.
    ...(minDomains !== undefined && c.whenUnsatisfiable === 'DoNotSchedule' ? { minDomains } : {}),
    ...(nodeAffinityPolicy ? { nodeAffinityPolicy } : {}),
    ...(nodeTaintsPolicy ? { nodeTaintsPolicy } : {}),
  }));

const containerArb = fc.record({
  cpu: fc.option(fc.integer({ min: 1, max: 30 }).map((c) => `${c * 100}m`), { nil: undefined }),
  memory: fc.option(fc.integer({ min: 1, max: 30 }).map((m) => `${m * 128}Mi`), { nil: undefined }),
  gpu: sometimes(fc.integer({ min: 1, max: 2 }), 8),
  image: fc.constantFrom(...IMAGES, 'busybox', 'nginx', 'docker.io/library/redis:latest'),
  ephemeral: sometimes(fc.integer({ min: 1, max: 200 }).map((g) => `${g}Gi`), 8),
  hostPort: sometimes(fc.record({ port: fc.constantFrom(80, 8080), protocol: fc.constantFrom('TCP', 'UDP'), hostIP: fc.constantFrom('', '127.0.0.1', '10.0.0.1') }), 10),
});

const podArb = fc.record({
  app: fc.constantFrom(...APPS),
  containers: fc.array(containerArb, { minLength: 1, maxLength: 3 }),
  init: fc.array(containerArb, { maxLength: 1 }),
  tolerations: fc.array(toleration, { maxLength: 3 }),
  nodeSelector: sometimes(fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), { maxKeys: 1 }), 8),
  required: sometimes(fc.array(nodeTerm, { minLength: 1, maxLength: 2 }), 5),
  preferred: fc.array(fc.record({ weight: fc.integer({ min: 1, max: 100 }), preference: nodeTerm }), { maxLength: 2 }),
  podAffinity: sometimes(podAffinityArb, 3),
  spread: sometimesList(spreadArb, 3, 2),
});

// Some existing pods live in another namespace, which pod affinity terms do not see by default.
const existingArb = fc.record({ node: fc.nat(), pod: podArb, namespace: fc.constantFrom('default', 'default', 'default', 'other') });

type NodeGen = typeof nodeArb extends fc.Arbitrary<infer T> ? T : never;
type PodGen = typeof podArb extends fc.Arbitrary<infer T> ? T : never;

function node(i: number, c: NodeGen): Node {
  const allocatable: Record<string, string> = { cpu: `${c.cpu}m`, memory: `${c.memory}Mi`, pods: `${c.pods}`, 'ephemeral-storage': '100Gi' };
  if (c.gpu > 0) allocatable[GPU] = `${c.gpu}`;
  const labels: Record<string, string> = { 'kubernetes.io/hostname': `n${i}`, ...c.labels };
  if (c.zone) labels['topology.kubernetes.io/zone'] = c.zone;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: `n${i}`, uid: `node-${i}`, labels },
    spec: { ...(c.taints.length > 0 ? { taints: c.taints } : {}), ...(c.unschedulable ? { unschedulable: true } : {}) },
    status: {
      capacity: allocatable,
      allocatable,
      images: c.images.map((j) => ({ names: [`docker.io/library/${IMAGES[j]}`, IMAGES[j]!], sizeBytes: IMAGE_SIZES[j]! })),
    },
  };
}

function container(name: string, k: PodGen['containers'][number]): Container {
  const requests: Record<string, string> = {};
  if (k.cpu) requests.cpu = k.cpu;
  if (k.memory) requests.memory = k.memory;
  if (k.gpu) requests[GPU] = `${k.gpu}`;
  if (k.ephemeral) requests['ephemeral-storage'] = k.ephemeral;
  const resources = k.gpu ? { requests, limits: { [GPU]: `${k.gpu}` } } : { requests };
  return { name, image: k.image, resources, ...(k.hostPort ? { ports: [{ containerPort: k.hostPort.port, hostPort: k.hostPort.port, protocol: k.hostPort.protocol, ...(k.hostPort.hostIP ? { hostIP: k.hostPort.hostIP } : {}) }] } : {}) };
}

function podAffinityOf(required: PodAffinityTerm[], preferred: WeightedPodAffinityTerm[]): PodAffinity | undefined {
  if (required.length === 0 && preferred.length === 0) return undefined;
  return {
    ...(required.length > 0 ? { requiredDuringSchedulingIgnoredDuringExecution: required } : {}),
    ...(preferred.length > 0 ? { preferredDuringSchedulingIgnoredDuringExecution: preferred } : {}),
  };
}

function pod(name: string, c: PodGen, nodeName?: string, namespace = 'default'): Pod {
  const nodeAffinity =
    c.required || c.preferred.length > 0
      ? {
          ...(c.required ? { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: c.required } } : {}),
          ...(c.preferred.length > 0 ? { preferredDuringSchedulingIgnoredDuringExecution: c.preferred } : {}),
        }
      : undefined;
  const a = c.podAffinity;
  const podAffinity = a ? podAffinityOf(a.affinityRequired, a.affinityPreferred) : undefined;
  const podAntiAffinity = a ? podAffinityOf(a.antiRequired, a.antiPreferred) : undefined;
  const affinity = nodeAffinity || podAffinity || podAntiAffinity ? { ...(nodeAffinity ? { nodeAffinity } : {}), ...(podAffinity ? { podAffinity } : {}), ...(podAntiAffinity ? { podAntiAffinity } : {}) } : undefined;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, uid: `uid-${name}`, labels: { app: c.app } },
    spec: {
      ...(nodeName ? { nodeName } : {}),
      schedulerName: 'default-scheduler',
      ...(c.init.length > 0 ? { initContainers: c.init.map((k, i) => container(`i${i}`, k)) } : {}),
      containers: c.containers.map((k, i) => container(`c${i}`, k)),
      ...(c.tolerations.length > 0 ? { tolerations: c.tolerations } : {}),
      ...(c.nodeSelector && Object.keys(c.nodeSelector).length > 0 ? { nodeSelector: c.nodeSelector } : {}),
      ...(affinity ? { affinity } : {}),
      ...(c.spread.length > 0 && !nodeName ? { topologySpreadConstraints: c.spread } : {}),
    },
    ...(nodeName ? { status: { phase: 'Running' } } : {}),
  };
}

/** A cluster of 1–8 nodes with up to 10 bound pods, and a pod to place. */
export const oracleCaseArb: fc.Arbitrary<OracleCase> = fc
  .record({
    nodes: fc.array(nodeArb, { minLength: 1, maxLength: 8 }),
    existing: fc.array(existingArb, { maxLength: 10 }),
    pod: podArb,
  })
  .map(({ nodes, existing, pod: p }) => ({
    nodes: nodes.map((c, i) => node(i, c)),
    pods: existing.map((e, i) => pod(`e${i}`, e.pod, `n${e.node % nodes.length}`, e.namespace)),
    pod: pod('p', p),
  }));
