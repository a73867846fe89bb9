// Pod validation: every case is a valid pod with one thing broken, and the exact messages
// Kubernetes answers with (as kubectl prints them after "The Pod "web" is invalid:").
import t from 'tap';
import { validateBinding } from '../lib/api/validation/index.js';
import { formatFieldError } from '../lib/api/field-errors.js';
import {
  LABEL_MSG,
  LABEL_VALUE_MSG,
  NAME_PART_MSG,
  SUBDOMAIN_MSG,
  type Obj,
  createProblems,
  edited,
  pod,
  set,
  statusProblems,
  stored,
  unset,
  updateProblems,
} from './validation-fixtures.js';

function broken(edit: (p: Obj) => void): Obj {
  const p = pod();
  edit(p);
  return p;
}

t.test('a minimal pod is valid once defaulted', async (t) => {
  t.same(createProblems(pod()), []);
});

const createCases: [string, (p: Obj) => void, string[]][] = [
  ['upper-case name', (p) => set(p, 'metadata.name', 'Web'), [`metadata.name: Invalid value: "Web": ${SUBDOMAIN_MSG}`]],
  ['no name', (p) => unset(p, 'metadata.name'), ['metadata.name: Required value: name or generateName is required']],
  [
    'bad generateName',
    (p) => set(set(p, 'metadata.generateName', 'Web-'), 'metadata.name', 'web-x2k9q'),
    [`metadata.generateName: Invalid value: "Web-": ${SUBDOMAIN_MSG}`],
  ],
  ['no namespace', (p) => unset(p, 'metadata.namespace'), ['metadata.namespace: Required value']],
  ['bad label key', (p) => set(p, "metadata.labels['-app']", 'web'), [`metadata.labels: Invalid value: "-app": ${NAME_PART_MSG}`]],
  [
    'label prefix not a subdomain',
    (p) => set(p, "metadata.labels['Example.com/app']", 'web'),
    [`metadata.labels: Invalid value: "Example.com/app": prefix part ${SUBDOMAIN_MSG}`],
  ],
  [
    'label value too long',
    (p) => set(p, 'metadata.labels.app', 'a'.repeat(64)),
    [`metadata.labels: Invalid value: "${'a'.repeat(64)}": must be no more than 63 characters`],
  ],
  ['label value with a space', (p) => set(p, 'metadata.labels.app', 'my app'), [`metadata.labels: Invalid value: "my app": ${LABEL_VALUE_MSG}`]],
  ['annotations over 256 KiB', (p) => set(p, 'metadata.annotations.big', 'x'.repeat(256 * 1024)), ['metadata.annotations: Too long: must have at most 262144 bytes']],
  [
    'unknown unqualified finalizer',
    (p) => set(p, 'metadata.finalizers', ['cleanup']),
    ['metadata.finalizers[0]: Invalid value: "cleanup": name is neither a standard finalizer name nor is it fully qualified'],
  ],
  ['no containers', (p) => set(p, 'spec.containers', []), ['spec.containers: Required value']],
  ['no image', (p) => unset(p, 'spec.containers[0].image'), ['spec.containers[0].image: Required value']],
  ['bad container name', (p) => set(p, 'spec.containers[0].name', 'App'), [`spec.containers[0].name: Invalid value: "App": ${LABEL_MSG}`]],
  [
    'duplicate container names',
    (p) => set(p, 'spec.containers[1]', { name: 'app', image: 'busybox:1.36' }),
    ['spec.containers[1].name: Duplicate value: "app"'],
  ],
  ['image with spaces', (p) => set(p, 'spec.containers[0].image', ' nginx'), ['spec.containers[0].image: Invalid value: " nginx": must not have leading or trailing whitespace']],
  [
    'unknown restart policy',
    (p) => set(p, 'spec.restartPolicy', 'Sometimes'),
    ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"'],
  ],
  [
    'unknown DNS policy',
    (p) => set(p, 'spec.dnsPolicy', 'Cluster'),
    ['spec.dnsPolicy: Unsupported value: "Cluster": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"'],
  ],
  ['DNS policy None without config', (p) => set(p, 'spec.dnsPolicy', 'None'), ['spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None']],
  [
    'unknown pull policy',
    (p) => set(p, 'spec.containers[0].imagePullPolicy', 'Sometimes'),
    ['spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"'],
  ],
  ['container port missing', (p) => unset(p, 'spec.containers[0].ports[0].containerPort'), ['spec.containers[0].ports[0].containerPort: Required value']],
  [
    'container port out of range',
    (p) => set(p, 'spec.containers[0].ports[0].containerPort', 70000),
    ['spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive'],
  ],
  [
    'port protocol',
    (p) => set(p, 'spec.containers[0].ports[0].protocol', 'HTTP'),
    ['spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"'],
  ],
  [
    'port name',
    (p) => set(p, 'spec.containers[0].ports[0].name', 'http_1'),
    ['spec.containers[0].ports[0].name: Invalid value: "http_1": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)'],
  ],
  [
    'duplicate port names',
    (p) => set(p, 'spec.containers[0].ports[1]', { containerPort: 81, name: 'http' }),
    ['spec.containers[0].ports[1].name: Duplicate value: "http"'],
  ],
  [
    'host port used twice',
    (p) => {
      set(p, 'spec.containers[0].ports[0].hostPort', 8080);
      set(p, 'spec.containers[1]', { name: 'sidecar', image: 'envoy:1.30', ports: [{ containerPort: 9000, hostPort: 8080 }] });
    },
    ['spec.containers[1].ports[0].hostPort: Duplicate value: "TCP//8080"'],
  ],
  [
    'host network with a different host port',
    (p) => set(set(p, 'spec.hostNetwork', true), 'spec.containers[0].ports[0].hostPort', 8080),
    ['spec.containers[0].ports[0].hostPort: Invalid value: 8080: must match `containerPort` when `hostNetwork` is true'],
  ],
  [
    'request above limit',
    (p) => set(p, 'spec.containers[0].resources', { requests: { cpu: '2' }, limits: { cpu: '1' } }),
    ['spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1'],
  ],
  [
    'request above limit, compared by value',
    (p) => set(p, 'spec.containers[0].resources', { requests: { memory: '1.5Gi' }, limits: { memory: '1024Mi' } }),
    ['spec.containers[0].resources.requests: Invalid value: "1536Mi": must be less than or equal to memory limit of 1Gi'],
  ],
  [
    'negative request',
    (p) => set(p, 'spec.containers[0].resources.requests.cpu', '-1'),
    ['spec.containers[0].resources.requests[cpu]: Invalid value: "-1": must be greater than or equal to 0'],
  ],
  [
    'quantity that does not parse',
    (p) => set(p, 'spec.containers[0].resources.requests.memory', '1GB'),
    [
      "spec.containers[0].resources.requests[memory]: Invalid value: \"1GB\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    ],
  ],
  [
    'resource that is not a container resource',
    (p) => set(p, 'spec.containers[0].resources.requests.gpu', '1'),
    [
      'spec.containers[0].resources.requests[gpu]: Invalid value: "gpu": must be a standard resource type or fully qualified',
      'spec.containers[0].resources.requests[gpu]: Invalid value: "gpu": must be a standard resource for containers',
    ],
  ],
  [
    'extended resource without limit',
    (p) => set(p, "spec.containers[0].resources.requests['example.com/gpu']", '1'),
    ['spec.containers[0].resources.limits: Required value: Limit must be set for non overcommitable resources'],
  ],
  [
    'environment variable name with "="',
    (p) => set(p, 'spec.containers[0].env', [{ name: 'A=B', value: '1' }]),
    ['spec.containers[0].env[0].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than \'=\''],
  ],
  ['environment variable without name', (p) => set(p, 'spec.containers[0].env', [{ value: '1' }]), ['spec.containers[0].env[0].name: Required value']],
  [
    'value and valueFrom together',
    (p) => set(p, 'spec.containers[0].env', [{ name: 'POD', value: 'x', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }]),
    ['spec.containers[0].env[0].valueFrom: Invalid value: "": may not be specified when `value` is not empty'],
  ],
  [
    'downward API field that does not exist',
    (p) => set(p, 'spec.containers[0].env', [{ name: 'X', valueFrom: { fieldRef: { fieldPath: 'spec.hostname' } } }]),
    ['spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Invalid value: "spec.hostname": error converting fieldPath: field label not supported: spec.hostname'],
  ],
  [
    'secret key reference without key',
    (p) => set(p, 'spec.containers[0].env', [{ name: 'X', valueFrom: { secretKeyRef: { name: 'creds' } } }]),
    ['spec.containers[0].env[0].valueFrom.secretKeyRef.key: Required value'],
  ],
  [
    'mount of an undeclared volume',
    (p) => set(p, 'spec.containers[0].volumeMounts', [{ name: 'data', mountPath: '/data' }]),
    ['spec.containers[0].volumeMounts[0].name: Not found: "data"'],
  ],
  [
    'mount without path',
    (p) => {
      set(p, 'spec.volumes', [{ name: 'data', emptyDir: {} }]);
      set(p, 'spec.containers[0].volumeMounts', [{ name: 'data' }]);
    },
    ['spec.containers[0].volumeMounts[0].mountPath: Required value'],
  ],
  [
    'duplicate volumes',
    (p) => set(p, 'spec.volumes', [{ name: 'data', emptyDir: {} }, { name: 'data', emptyDir: {} }]),
    ['spec.volumes[1].name: Duplicate value: "data"'],
  ],
  [
    'volume with two sources',
    (p) => set(p, 'spec.volumes', [{ name: 'data', emptyDir: {}, hostPath: { path: '/data' } }]),
    ['spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type'],
  ],
  ['configMap volume without name', (p) => set(p, 'spec.volumes', [{ name: 'cfg', configMap: {} }]), ['spec.volumes[0].configMap.name: Required value']],
  [
    'secret volume mode',
    (p) => set(p, 'spec.volumes', [{ name: 's', secret: { secretName: 'creds', defaultMode: 1000 } }]),
    ['spec.volumes[0].secret.defaultMode: Invalid value: 1000: must be a number between 0 and 0777 (octal), both inclusive'],
  ],
  [
    'liveness probe success threshold',
    (p) => set(p, 'spec.containers[0].livenessProbe', { httpGet: { port: 80 }, successThreshold: 2 }),
    ['spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1'],
  ],
  ['probe without handler', (p) => set(p, 'spec.containers[0].readinessProbe', { periodSeconds: 5 }), ['spec.containers[0].readinessProbe: Required value: must specify a handler type']],
  [
    'probe with two handlers',
    (p) => set(p, 'spec.containers[0].readinessProbe', { tcpSocket: { port: 80 }, exec: { command: ['true'] } }),
    ['spec.containers[0].readinessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type'],
  ],
  [
    'probe port name',
    (p) => set(p, 'spec.containers[0].readinessProbe', { httpGet: { port: 'HTTP' } }),
    ['spec.containers[0].readinessProbe.httpGet.port: Invalid value: "HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)', 'spec.containers[0].readinessProbe.httpGet.port: Invalid value: "HTTP": must contain at least one letter (a-z)'],
  ],
  [
    'init container with a probe',
    (p) => set(p, 'spec.initContainers', [{ name: 'init', image: 'busybox:1.36', livenessProbe: { exec: { command: ['true'] } } }]),
    ['spec.initContainers[0].livenessProbe: Forbidden: may not be set for init containers without restartPolicy=Always'],
  ],
  [
    'init container named like a container',
    (p) => set(p, 'spec.initContainers', [{ name: 'app', image: 'busybox:1.36' }]),
    ['spec.initContainers[0].name: Duplicate value: "app"'],
  ],
  ['restart policy on a regular container', (p) => set(p, 'spec.containers[0].restartPolicy', 'Always'), ['spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers']],
  ['ephemeral containers on create', (p) => set(p, 'spec.ephemeralContainers', [{ name: 'debug', image: 'busybox:1.36' }]), ['spec.ephemeralContainers: Forbidden: cannot be set on create']],
  [
    'toleration without key must be Exists',
    (p) => set(p, 'spec.tolerations', [{ operator: 'Equal', value: 'x' }]),
    ['spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"'],
  ],
  [
    'toleration seconds need NoExecute',
    (p) => set(p, 'spec.tolerations', [{ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 60 }]),
    ["spec.tolerations[0].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set"],
  ],
  [
    'toleration effect',
    (p) => set(p, 'spec.tolerations', [{ key: 'dedicated', operator: 'Exists', effect: 'NoRun' }]),
    ['spec.tolerations[0].effect: Unsupported value: "NoRun": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"'],
  ],
  ['node selector value', (p) => set(p, 'spec.nodeSelector', { disk: 'fast ssd' }), [`spec.nodeSelector: Invalid value: "fast ssd": ${LABEL_VALUE_MSG}`]],
  [
    'node affinity without terms',
    (p) => set(p, 'spec.affinity', { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } }),
    ['spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Required value: must have at least one node selector term'],
  ],
  [
    'node affinity operator',
    (p) =>
      set(p, 'spec.affinity', {
        nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'Near', values: ['a'] }] }] } },
      }),
    ['spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator: Invalid value: "Near": not a valid selector operator'],
  ],
  [
    'pod anti-affinity weight',
    (p) =>
      set(p, 'spec.affinity', {
        podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'web' } } } }] },
      }),
    ['spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 0: must be in the range 1-100'],
  ],
  [
    'topology spread skew',
    (p) => set(p, 'spec.topologySpreadConstraints', [{ maxSkew: 0, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } } }]),
    ['spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero'],
  ],
  [
    'deadline of zero',
    (p) => set(p, 'spec.activeDeadlineSeconds', 0),
    ['spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive'],
  ],
  ['service account name', (p) => set(p, 'spec.serviceAccountName', 'Builder'), [`spec.serviceAccountName: Invalid value: "Builder": ${SUBDOMAIN_MSG}`]],
  ['hostname', (p) => set(p, 'spec.hostname', 'web.example'), ['spec.hostname: Invalid value: "web.example": must not contain dots']],
  [
    'user id out of range',
    (p) => set(p, 'spec.securityContext', { runAsUser: -1 }),
    ['spec.securityContext.runAsUser: Invalid value: -1: must be between 0 and 4294967295, inclusive'],
  ],
  [
    'privileged without privilege escalation',
    (p) => set(p, 'spec.containers[0].securityContext', { privileged: true, allowPrivilegeEscalation: false }),
    [
      'spec.containers[0].securityContext: Invalid value: {"privileged":true,"allowPrivilegeEscalation":false}: cannot set `allowPrivilegeEscalation` to false and `privileged` to true',
    ],
  ],
  [
    'seccomp type',
    (p) => set(p, 'spec.securityContext', { seccompProfile: { type: 'Strict' } }),
    ['spec.securityContext.seccompProfile.type: Unsupported value: "Strict": supported values: "Localhost", "RuntimeDefault", "Unconfined"'],
  ],
  [
    'node name with scheduling gates',
    (p) => set(set(p, 'spec.nodeName', 'node-1'), 'spec.schedulingGates', [{ name: 'example.com/wait' }]),
    ['spec.nodeName: Forbidden: cannot be set until all schedulingGates have been cleared'],
  ],
  [
    'pod deletion cost',
    (p) => set(p, "metadata.annotations['controller.kubernetes.io/pod-deletion-cost']", 'high'),
    ["metadata.annotations[controller.kubernetes.io/pod-deletion-cost]: Invalid value: \"high\": must be a 32bit integer"],
  ],
  [
    'wrong JSON type',
    (p) => set(p, 'spec.containers[0].image', 5),
    ['spec.containers[0].image: Invalid value: 5: must be of type string', 'spec.containers[0].image: Required value'],
  ],
];

for (const [name, edit, expected] of createCases) {
  t.test(`create: ${name}`, async (t) => {
    t.same(createProblems(broken(edit)), expected);
  });
}

t.test('update: image, deadline and added tolerations may change', async (t) => {
  const old = stored(pod());
  const next = edited(old, (p) => {
    set(p, 'spec.containers[0].image', 'nginx:1.26');
    set(p, 'spec.activeDeadlineSeconds', 600);
    (p.spec as { tolerations: unknown[] }).tolerations.push({ key: 'dedicated', operator: 'Exists' });
  });
  t.same(updateProblems(next, old), []);
});

t.test('update: other spec fields are immutable', async (t) => {
  const old = stored(pod());
  const problems = updateProblems(
    edited(old, (p) => set(p, 'spec.restartPolicy', 'Never')),
    old,
  );
  t.equal(problems.length, 1);
  t.equal(
    problems[0]!.split('\n')[0],
    'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
  );
  t.match(problems[0], /spec\.restartPolicy: "Always" -> "Never"/);
});

const updateCases: [string, (p: Obj) => void, string[]][] = [
  ['name', (p) => set(p, 'metadata.name', 'web2'), ['metadata.name: Invalid value: "web2": field is immutable']],
  ['namespace', (p) => set(p, 'metadata.namespace', 'prod'), ['metadata.namespace: Invalid value: "prod": field is immutable']],
  ['uid', (p) => set(p, 'metadata.uid', 'other'), ['metadata.uid: Invalid value: "other": field is immutable']],
  [
    'creation timestamp',
    (p) => set(p, 'metadata.creationTimestamp', '2024-05-02T10:00:00Z'),
    ['metadata.creationTimestamp: Invalid value: 2024-05-02 10:00:00 +0000 UTC: field is immutable'],
  ],
  ['missing resourceVersion', (p) => unset(p, 'metadata.resourceVersion'), ['metadata.resourceVersion: Invalid value: "": must be specified for an update']],
  [
    'added container',
    (p) => set(p, 'spec.containers[1]', { name: 'sidecar', image: 'envoy:1.30', imagePullPolicy: 'IfNotPresent', terminationMessagePolicy: 'File' }),
    ['spec.containers: Forbidden: pod updates may not add or remove containers'],
  ],
  ['removed toleration', (p) => set(p, 'spec.tolerations', []), ['spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds']],
  ['longer deadline', (p) => set(p, 'spec.activeDeadlineSeconds', 900), ['spec.activeDeadlineSeconds: Invalid value: 900: must be less than or equal to previous value']],
  [
    'new scheduling gate',
    (p) => set(p, 'spec.schedulingGates', [{ name: 'example.com/quota' }]),
    ["spec.schedulingGates[0].name: Forbidden: only deletion is allowed, but found new scheduling gate 'example.com/quota'"],
  ],
];

for (const [name, edit, expected] of updateCases) {
  t.test(`update: ${name}`, async (t) => {
    const old = stored(set(pod(), 'spec.activeDeadlineSeconds', 600));
    t.same(updateProblems(edited(old, edit), old), expected);
  });
}

t.test('update: scheduling gates may only be removed', async (t) => {
  const old = stored(set(pod(), 'spec.schedulingGates', [{ name: 'example.com/a' }, { name: 'example.com/b' }]));
  t.same(updateProblems(edited(old, (p) => set(p, 'spec.schedulingGates', [{ name: 'example.com/b' }])), old), []);
});

t.test('status update: scheduled and running is fine; the node cannot change there', async (t) => {
  const old = stored(set(pod(), 'spec.nodeName', 'node-1'));
  const running = edited(old, (p) => set(p, 'status', { phase: 'Running', qosClass: 'BestEffort', podIP: '10.244.1.5', podIPs: [{ ip: '10.244.1.5' }], hostIP: '192.168.1.10', hostIPs: [{ ip: '192.168.1.10' }] }));
  t.same(statusProblems(running, old), []);
  t.same(statusProblems(edited(running, (p) => set(p, 'spec.nodeName', 'node-2')), old), ['status.nodeName: Forbidden: may not be changed directly']);
  t.same(statusProblems(edited(running, (p) => set(p, 'status.qosClass', 'Burstable')), old), ['status.qosClass: Invalid value: "Burstable": field is immutable']);
  t.same(statusProblems(edited(running, (p) => set(p, 'status.podIPs', [{ ip: '10.244.1' }])), old), [
    'status.podIPs[0]: Invalid value: "10.244.1": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
  ]);
  t.same(statusProblems(edited(running, (p) => set(p, 'status.hostIPs', [{ ip: '192.168.1.11' }])), old), [
    'status.hostIPs[0].ip: Invalid value: "192.168.1.11": must be equal to `hostIP`',
  ]);
});

t.test('status update: a finished container of a never-restarting pod stays finished', async (t) => {
  const old = stored(set(set(pod(), 'spec.restartPolicy', 'Never'), 'spec.nodeName', 'node-1'));
  set(old, 'status.containerStatuses', [{ name: 'app', state: { terminated: { exitCode: 0 } } }]);
  const next = edited(old, (p) => set(p, 'status.containerStatuses', [{ name: 'app', state: { running: {} } }]));
  t.same(statusProblems(next, old), ['status.containerStatuses[0].state: Forbidden: may not be transitioned to non-terminated state']);
});

t.test('binding needs a node target', async (t) => {
  const problems = (body: unknown): string[] => validateBinding(body as never).map(formatFieldError);
  t.same(problems({ apiVersion: 'v1', kind: 'Binding', metadata: { name: 'web' }, target: { kind: 'Node', name: 'node-1' } }), []);
  t.same(problems({ target: { name: 'node-1' } }), []);
  t.same(problems({ target: { kind: 'Pod', name: 'node-1' } }), ['target.kind: Unsupported value: "Pod": supported values: "Node", "<empty>"']);
  t.same(problems({ target: {} }), ['target.name: Required value']);
});
