// fast-check generators of API objects for the property tests: realistic field names with
// values that are sometimes sensible, sometimes of the wrong type, sometimes arbitrary JSON.
import fc from 'fast-check';
import type { KubeObject } from '../lib/api/object.js';
import { RESOURCES, apiVersionOf } from '../lib/api/resources.js';

const anyJson = fc.jsonValue({ maxDepth: 2 });
const word = fc.oneof(
  fc.constantFrom('', 'a', 'web', 'Web', 'nginx', 'nginx:1.25', 'Always', 'Never', 'TCP', 'HTTP', 'None', 'ClusterIP', 'LoadBalancer', 'NodePort', 'ExternalName'),
  fc.constantFrom('500m', '1Gi', '-1', '1.5', 'x', '10.0.0.1', 'fd00::1', '10.0.0.0/8', '25%', 'Exists', 'NoExecute', 'kubernetes', 'a.b/c'),
  fc.string({ maxLength: 12 }),
);

function maybe<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 4, arbitrary: arb }, { weight: 1, arbitrary: anyJson });
}

function partial<T extends Record<string, fc.Arbitrary<unknown>>>(fields: T): fc.Arbitrary<Record<string, unknown>> {
  return fc.record(fields, { requiredKeys: [] });
}

const intish = fc.oneof(fc.integer({ min: -2, max: 70000 }), fc.constantFrom(0, 1, 80, 300));
const labels = fc.dictionary(word, word, { maxKeys: 3 });
const resources = partial({ limits: maybe(fc.dictionary(fc.constantFrom('cpu', 'memory', 'gpu', 'example.com/gpu', 'hugepages-2Mi'), maybe(word), { maxKeys: 3 })), requests: maybe(fc.dictionary(fc.constantFrom('cpu', 'memory'), maybe(word), { maxKeys: 2 })) });
const handler = partial({ httpGet: maybe(partial({ port: maybe(fc.oneof(intish, word)), path: maybe(word) })), exec: maybe(partial({ command: maybe(fc.array(word)) })), grpc: maybe(partial({ port: maybe(intish) })) });
const probe = fc.tuple(handler, partial({ periodSeconds: maybe(intish), successThreshold: maybe(intish) })).map(([h, p]) => ({ ...h, ...p }));
const container = partial({
  name: maybe(word),
  image: maybe(word),
  imagePullPolicy: maybe(word),
  ports: maybe(fc.array(partial({ containerPort: maybe(intish), hostPort: maybe(intish), protocol: maybe(word), name: maybe(word) }), { maxLength: 2 })),
  env: maybe(fc.array(partial({ name: maybe(word), value: maybe(word), valueFrom: maybe(partial({ fieldRef: maybe(partial({ fieldPath: maybe(word) })) })) }), { maxLength: 2 })),
  resources: maybe(resources),
  livenessProbe: maybe(probe),
  readinessProbe: maybe(probe),
  volumeMounts: maybe(fc.array(partial({ name: maybe(word), mountPath: maybe(word), subPath: maybe(word) }), { maxLength: 2 })),
  securityContext: maybe(partial({ privileged: maybe(fc.boolean()), runAsUser: maybe(intish), allowPrivilegeEscalation: maybe(fc.boolean()) })),
});
const podSpec = partial({
  containers: maybe(fc.array(container, { maxLength: 3 })),
  initContainers: maybe(fc.array(container, { maxLength: 1 })),
  volumes: maybe(fc.array(partial({ name: maybe(word), emptyDir: maybe(partial({ sizeLimit: maybe(word) })), secret: maybe(partial({ secretName: maybe(word), defaultMode: maybe(intish) })), hostPath: maybe(partial({ path: maybe(word) })) }), { maxLength: 2 })),
  tolerations: maybe(fc.array(partial({ key: maybe(word), operator: maybe(word), effect: maybe(word), tolerationSeconds: maybe(intish) }), { maxLength: 2 })),
  hostNetwork: maybe(fc.boolean()),
  restartPolicy: maybe(word),
  dnsPolicy: maybe(word),
  nodeSelector: maybe(labels),
  serviceAccountName: maybe(word),
  serviceAccount: maybe(word),
  priorityClassName: maybe(fc.constantFrom('', 'system-node-critical', 'constructor', 'toString')),
  activeDeadlineSeconds: maybe(intish),
  affinity: maybe(anyJson),
});
const selector = maybe(partial({ matchLabels: maybe(labels), matchExpressions: maybe(fc.array(partial({ key: maybe(word), operator: maybe(word), values: maybe(fc.array(word)) }), { maxLength: 2 })) }));
const template = partial({ metadata: maybe(partial({ labels: maybe(labels) })), spec: maybe(podSpec) });
const metadata = partial({
  name: maybe(word),
  generateName: maybe(word),
  namespace: maybe(word),
  labels: maybe(labels),
  annotations: maybe(labels),
  finalizers: maybe(fc.array(word, { maxLength: 2 })),
  ownerReferences: maybe(fc.array(partial({ apiVersion: maybe(word), kind: maybe(word), name: maybe(word), uid: maybe(word), controller: maybe(fc.boolean()) }), { maxLength: 2 })),
  resourceVersion: maybe(word),
  generation: maybe(intish),
  deletionTimestamp: maybe(fc.constantFrom('2024-05-01T10:00:00Z', 'nonsense')),
});

/** Top-level fields by kind; every kind also gets metadata, spec and status. */
const BODIES: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
  Pod: partial({ spec: maybe(podSpec), status: maybe(partial({ podIPs: maybe(fc.array(partial({ ip: maybe(word) }))), podIP: maybe(word) })) }),
  Deployment: partial({ spec: maybe(partial({ replicas: maybe(intish), selector, template: maybe(template), strategy: maybe(partial({ type: maybe(word), rollingUpdate: maybe(partial({ maxSurge: maybe(fc.oneof(intish, word)), maxUnavailable: maybe(fc.oneof(intish, word)) })) })) })) }),
  ReplicaSet: partial({ spec: maybe(partial({ replicas: maybe(intish), selector, template: maybe(template) })) }),
  DaemonSet: partial({ spec: maybe(partial({ selector, template: maybe(template), updateStrategy: maybe(partial({ type: maybe(word), rollingUpdate: maybe(anyJson) })) })) }),
  Service: partial({
    spec: maybe(
      partial({
        type: maybe(word),
        clusterIP: maybe(word),
        clusterIPs: maybe(fc.array(word, { maxLength: 3 })),
        ipFamilies: maybe(fc.array(word, { maxLength: 2 })),
        selector: maybe(labels),
        sessionAffinity: maybe(word),
        ports: maybe(fc.array(partial({ port: maybe(intish), targetPort: maybe(fc.oneof(intish, word)), nodePort: maybe(intish), protocol: maybe(word), name: maybe(word) }), { maxLength: 3 })),
      }),
    ),
    status: maybe(anyJson),
  }),
  Secret: partial({ type: maybe(word), data: maybe(fc.dictionary(word, maybe(fc.constantFrom('eA==', 'bad!', '')), { maxKeys: 2 })), stringData: maybe(labels), immutable: maybe(fc.boolean()) }),
  ConfigMap: partial({ data: maybe(labels), binaryData: maybe(labels), immutable: maybe(fc.boolean()) }),
  Node: partial({ spec: maybe(partial({ podCIDR: maybe(word), podCIDRs: maybe(fc.array(word)), taints: maybe(fc.array(partial({ key: maybe(word), effect: maybe(word) }))) })), status: maybe(partial({ capacity: maybe(fc.dictionary(word, maybe(word), { maxKeys: 2 })) })) }),
  EndpointSlice: partial({ addressType: maybe(word), endpoints: maybe(fc.array(partial({ addresses: maybe(fc.array(word)) }))), ports: maybe(fc.array(partial({ name: maybe(word), port: maybe(intish), protocol: maybe(word) }))) }),
  Endpoints: partial({ subsets: maybe(fc.array(partial({ addresses: maybe(fc.array(partial({ ip: maybe(word) }))), ports: maybe(fc.array(partial({ port: maybe(intish) }))) }))) }),
  Event: partial({ involvedObject: maybe(partial({ namespace: maybe(word) })), eventTime: maybe(word), reason: maybe(word) }),
};

const GENERIC = partial({ spec: maybe(anyJson), status: maybe(anyJson) });

/** An object of the given served kind: apiVersion and kind right, everything else generated. */
export function kubeObject(kind: string): fc.Arbitrary<KubeObject> {
  const resource = RESOURCES.find((r) => r.kind === kind)!;
  return fc.tuple(metadata, BODIES[kind] ?? GENERIC, fc.dictionary(fc.constantFrom('extra', 'data', 'type'), anyJson, { maxKeys: 1 })).map(([meta, body, extra]) => ({
    ...extra,
    ...body,
    apiVersion: apiVersionOf(resource),
    kind,
    metadata: meta,
  }));
}

/** Any served kind with a generated object of it. */
export const anyKubeObject = fc.constantFrom(...RESOURCES.map((r) => r.kind)).chain((kind) => kubeObject(kind).map((obj) => ({ kind, obj })));
