// Realistic, valid objects of every served kind, varied the way users vary them (labels,
// annotations, data, containers, ports, replicas, quantities in their several spellings), so that
// an unmutated one is accepted and the read-back invariants are exercised on stored objects. The
// name is filled in when a case runs (fresh per run), so replays never collide with earlier runs.
import fc from 'fast-check';
import type { KubeObject } from '../../lib/api/object.js';
import { STORED_RESOURCES, type ResourceInfo } from '../../lib/api/resources.js';
import { ALL_VALID, clone } from '../validation-fixtures.js';

/** Namespaces every apiserver has from its first start (bootstrap.ts). */
export const FUZZ_NAMESPACES = ['default', 'kube-system'] as const;

const FIXTURES = new Map(ALL_VALID.map((make) => [make().kind!, make]));

const dnsLabel = fc.stringMatching(/^[a-z]([-a-z0-9]{0,10}[a-z0-9])?$/);
const labelKey = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[a-zA-Z0-9]([-a-zA-Z0-9_.]{0,14}[a-zA-Z0-9])?$/) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('example.com', 'app.kubernetes.io', 'rudder.dev'), dnsLabel).map(([p, n]) => `${p}/${n}`) },
);
const labelValue = fc.oneof(fc.constant(''), fc.stringMatching(/^[a-zA-Z0-9]([-a-zA-Z0-9_.]{0,20}[a-zA-Z0-9])?$/));
const labels = fc.dictionary(labelKey, labelValue, { maxKeys: 3 });
// Annotation values are any text: emoji, escapes, NUL, right-to-left marks.
const text = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }), fc.constantFrom('', '\u0000', '\u202e', 'line\nbreak', '"quoted"', '🚢', 'null', 'true', '0'));
const annotations = fc.dictionary(labelKey, text, { maxKeys: 3 });
// "__proto__" is a valid key in Kubernetes, but the apiserver refuses it (its store cannot keep it).
const configKey = fc.stringMatching(/^[-._a-zA-Z0-9]{1,20}$/).filter((k) => k !== '.' && !k.startsWith('..') && k !== '__proto__');
const base64 = fc.uint8Array({ maxLength: 48 }).map((bytes) => Buffer.from(bytes).toString('base64'));
const cpu = fc.constantFrom<unknown>('100m', '250m', '1', '2', 0.5, 1, '1500m', '0.1');
const memory = fc.constantFrom<unknown>('64Mi', '128Mi', '1Gi', '1.5Gi', 134217728, '100M', '1e3');
const image = fc.constantFrom('nginx', 'nginx:1.25', 'busybox', 'registry.example.com/team/app:v2', 'redis@sha256:' + 'a'.repeat(64));
const envName = fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,12}$/);

function unique<T>(items: T[], key: (item: T) => unknown): T[] {
  const seen = new Set<unknown>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const container = (name: string): fc.Arbitrary<Record<string, unknown>> =>
  fc
    .record(
      {
        image,
        ports: fc.array(fc.record({ containerPort: fc.integer({ min: 1, max: 65535 }), protocol: fc.constantFrom('TCP', 'UDP') }), { maxLength: 3 }),
        env: fc.array(fc.record({ name: envName, value: text }), { maxLength: 3 }),
        requests: fc.record({ cpu, memory }, { requiredKeys: [] }),
        command: fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
        imagePullPolicy: fc.constantFrom('Always', 'IfNotPresent', 'Never'),
      },
      { requiredKeys: ['image'] },
    )
    .map(({ requests, ports, env, ...rest }) => ({
      name,
      ...rest,
      ...(ports && ports.length > 0 ? { ports: unique(ports, (p) => `${p.containerPort}/${p.protocol}`) } : {}),
      ...(env && env.length > 0 ? { env: unique(env, (e) => e.name) } : {}),
      // Limits equal to requests are always valid; a limit alone defaults the request to it.
      ...(requests && Object.keys(requests).length > 0 ? { resources: { requests, limits: requests } } : {}),
    }));

const podSpec = fc
  .record(
    {
      containers: fc.integer({ min: 1, max: 3 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => container(`c${i}`)))),
      restartPolicy: fc.constantFrom('Always', 'OnFailure', 'Never'),
      nodeSelector: labels,
      terminationGracePeriodSeconds: fc.integer({ min: 0, max: 300 }),
      tolerations: fc.array(fc.record({ key: dnsLabel, operator: fc.constant('Exists'), effect: fc.constantFrom('NoSchedule', 'NoExecute') }), { maxLength: 2 }),
      hostname: dnsLabel,
    },
    { requiredKeys: ['containers'] },
  );

const workloadSpec = (withReplicas: boolean) =>
  fc.tuple(dnsLabel, podSpec.map((spec) => ({ ...spec, restartPolicy: 'Always' })), labels, fc.integer({ min: 0, max: 5 })).map(([app, spec, extra, replicas]) => ({
    ...(withReplicas ? { replicas } : {}),
    selector: { matchLabels: { app } },
    template: { metadata: { labels: { ...extra, app } }, spec },
  }));

const ipv4 = fc.tuple(fc.integer({ min: 1, max: 223 }), fc.nat(255), fc.nat(255), fc.integer({ min: 1, max: 254 })).map((parts) => parts.join('.')).filter((ip) => !ip.startsWith('127.') && !ip.startsWith('169.254.'));

/** Fields each kind adds to its fixture (merged at the top level). */
const KIND_FIELDS: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
  ConfigMap: fc
    .record({ data: fc.dictionary(configKey, text, { maxKeys: 4 }), binaryData: fc.dictionary(configKey, base64, { maxKeys: 2 }), immutable: fc.boolean() }, { requiredKeys: [] })
    // A key is in data or in binaryData, not both.
    .map(({ binaryData, ...rest }) => ({ ...rest, ...(binaryData ? { binaryData: Object.fromEntries(Object.entries(binaryData).filter(([k]) => !(rest.data && k in rest.data))) } : {}) })),
  Secret: fc.record({ data: fc.dictionary(configKey, base64, { maxKeys: 3 }), stringData: fc.dictionary(configKey, text, { maxKeys: 2 }), type: fc.constantFrom('Opaque', 'example.com/custom') }, { requiredKeys: [] }),
  Pod: podSpec.map((spec) => ({ spec })),
  Deployment: workloadSpec(true).map((spec) => ({ spec })),
  ReplicaSet: workloadSpec(true).map((spec) => ({ spec })),
  DaemonSet: workloadSpec(false).map((spec) => ({ spec })),
  Service: fc
    .tuple(fc.uniqueArray(fc.integer({ min: 1, max: 65535 }), { minLength: 1, maxLength: 3 }), labels, fc.constantFrom('None', 'ClientIP'))
    .map(([ports, selector, sessionAffinity]) => ({
      spec: { selector, sessionAffinity, ports: ports.map((port, i) => ({ name: `p${i}`, port, targetPort: i % 2 === 0 ? port : `t${i}` })) },
    })),
  Node: fc
    .record({ unschedulable: fc.boolean(), taints: fc.array(fc.record({ key: dnsLabel, effect: fc.constantFrom('NoSchedule', 'PreferNoSchedule', 'NoExecute') }), { maxLength: 2 }) }, { requiredKeys: [] })
    .map(({ taints, ...spec }) => ({ spec: { podCIDR: '10.244.1.0/24', ...spec, ...(taints && taints.length > 0 ? { taints: unique(taints, (t) => `${t.key}:${t.effect}`) } : {}) } })),
  Endpoints: fc.array(ipv4, { minLength: 1, maxLength: 3 }).map((ips) => ({ subsets: [{ addresses: ips.map((ip) => ({ ip })), ports: [{ port: 80, protocol: 'TCP' }] }] })),
  EndpointSlice: fc.array(ipv4, { minLength: 1, maxLength: 3 }).map((ips) => ({ endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true } })) })),
  ServiceAccount: fc.record({ automountServiceAccountToken: fc.boolean() }, { requiredKeys: [] }),
  Event: fc.record({ message: text, type: fc.constantFrom('Normal', 'Warning'), count: fc.integer({ min: 1, max: 1000 }) }, { requiredKeys: [] }),
  Lease: fc.record({ holderIdentity: dnsLabel, leaseDurationSeconds: fc.integer({ min: 1, max: 600 }), leaseTransitions: fc.nat(100) }).map((spec) => ({ spec })),
  Namespace: fc.constant({}),
};

const metadataFields = fc.record({ labels, annotations, finalizers: fc.array(fc.constantFrom('example.com/keep', 'rudder.dev/fuzz'), { maxLength: 2 }) }, { requiredKeys: [] });

/**
 * Admission webhook configurations are live once stored: their webhooks point nowhere, so one that
 * matched the fuzz's own writes would refuse them (failurePolicy Fail is a 500, as in Kubernetes).
 * Their webhooks match only a group the fuzz never writes, only in the namespace of the policy
 * kinds, and are ignored when they cannot be called: a mutation would have to undo all three.
 */
function harmlessWebhooks(object: KubeObject): void {
  for (const webhook of (object.webhooks as Record<string, unknown>[] | undefined) ?? []) {
    webhook.rules = [{ operations: ['CREATE', 'UPDATE'], apiGroups: ['fuzz.rudder.dev'], apiVersions: ['v1'], resources: ['targets'] }];
    webhook.namespaceSelector = { matchLabels: { 'kubernetes.io/metadata.name': POLICY_NAMESPACE } };
    webhook.failurePolicy = 'Ignore';
  }
}

/** A valid object of the kind, without a name (see withName). */
export function baseObject(info: ResourceInfo): fc.Arbitrary<KubeObject> {
  const fixture = FIXTURES.get(info.kind);
  if (!fixture) throw new Error(`no fixture for ${info.kind}`);
  return fc.tuple(metadataFields, KIND_FIELDS[info.kind] ?? fc.constant({})).map(([meta, fields]) => {
    const object = clone(fixture());
    const { name: _name, namespace: _namespace, ...kept } = object.metadata ?? {};
    object.metadata = { ...kept, ...meta };
    if (object.metadata.labels && Object.keys(object.metadata.labels).length === 0) delete object.metadata.labels;
    // Kind fields replace the fixture's at the top level, but a spec is merged (a Lease keeps its renewTime).
    for (const [key, value] of Object.entries(fields)) {
      object[key] = key === 'spec' && typeof object.spec === 'object' ? { ...(object.spec as object), ...(value as object) } : value;
    }
    if (info.kind === 'MutatingWebhookConfiguration' || info.kind === 'ValidatingWebhookConfiguration') harmlessWebhooks(object);
    return object;
  });
}

export interface BaseCase {
  info: ResourceInfo;
  /** The namespace the object is written to (undefined for cluster-scoped kinds). */
  namespace: string | undefined;
  object: KubeObject;
}

/**
 * Quotas and limit ranges live in a namespace of their own: in the namespaces the other kinds are
 * written to they would refuse valid objects (a pod without limits, the eleventh pod), as they should.
 */
const POLICY_KINDS = new Set(['ResourceQuota', 'LimitRange']);
const POLICY_NAMESPACE = 'kube-public';

/** The namespace a case writes to: the one drawn, or (for cluster-scoped kinds) none. */
export function fuzzNamespace(info: ResourceInfo, drawn: string): string | undefined {
  if (!info.namespaced) return undefined;
  return POLICY_KINDS.has(info.kind) ? POLICY_NAMESPACE : drawn;
}

/**
 * Kinds whose objects this fuzzer cannot name freshly: a CustomResourceDefinition is named
 * <plural>.<group> and serves a kind; apiserver-fuzz-crds.test.ts fuzzes them and their objects.
 */
const FUZZED_ELSEWHERE = new Set(['CustomResourceDefinition']);

/** The stored kinds this fuzzer writes. */
export const FUZZED_RESOURCES = STORED_RESOURCES.filter((info) => !FUZZED_ELSEWHERE.has(info.kind));

/** Any served kind, one of its realistic objects and a namespace for it. */
export const anyBaseCase: fc.Arbitrary<BaseCase> = fc
  .constantFrom(...FUZZED_RESOURCES)
  .chain((info) => fc.tuple(fc.constant(info), baseObject(info), fc.constantFrom(...FUZZ_NAMESPACES)))
  .map(([info, object, namespace]) => ({ info, object, namespace: fuzzNamespace(info, namespace) }));

/** An IPAddress is named by its address: fresh names ("fb-1z") map to distinct addresses. */
function addressFor(name: string): string {
  const n = Number.parseInt(name.slice(name.lastIndexOf('-') + 1), 36) || 0;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

/** The object named `name` (in its namespace, for namespaced kinds); a copy. */
export function withName(base: BaseCase, name: string): KubeObject {
  const object = clone(base.object);
  const objectName = object.kind === 'IPAddress' ? addressFor(name) : name;
  object.metadata = { ...object.metadata, name: objectName, ...(base.namespace === undefined ? {} : { namespace: base.namespace }) };
  // An event is about an object in its own namespace.
  if (object.kind === 'Event') object.involvedObject = { ...(object.involvedObject as object), namespace: base.namespace };
  return object;
}
