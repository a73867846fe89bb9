import t from 'tap';
import { generateDocuments } from '../build-tools/openapi/generate.js';
import { upstreamDefinitions } from '../build-tools/openapi/upstream-definitions.js';
import type { Definitions } from '../lib/api/openapi/schema.js';
import { findResource, type ResourceInfo } from '../lib/api/resources.js';
import { checkObject, StrictDecoder, warningHeader, warningHeaders } from '../lib/api/schema/strict-decoding.js';

const decoder = new StrictDecoder(generateDocuments((await upstreamDefinitions()).definitions).definitions);

function resource(group: string, resourceName: string): ResourceInfo {
  const info = findResource(group, 'v1', resourceName);
  if (!info) throw new Error(`no resource ${resourceName}`);
  return info;
}
const pods = resource('', 'pods');
const deployments = resource('apps', 'deployments');

const validPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web',
    namespace: 'default',
    labels: { app: 'web' },
    annotations: { note: 'x' },
    uid: '3f1c',
    resourceVersion: '12',
    generation: 2,
    creationTimestamp: '2024-05-01T10:00:00Z',
    deletionTimestamp: null,
    finalizers: ['example.com/keep'],
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'a1', controller: true }],
    managedFields: [{ manager: 'kubectl', operation: 'Apply', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': {} } } }],
  },
  spec: {
    containers: [
      {
        name: 'web',
        image: 'nginx',
        ports: [{ containerPort: 80, protocol: 'TCP' }],
        resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: 0.25 } },
        readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 5 },
        livenessProbe: { tcpSocket: { port: 80 } },
      },
    ],
    securityContext: { runAsUser: 1000, supplementalGroups: [1, 2] },
    terminationGracePeriodSeconds: 30,
  },
  status: {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2024-05-01T10:00:05Z' }],
    containerStatuses: [{ name: 'web', ready: true, restartCount: 0, image: 'nginx', imageID: 'x', state: { running: { startedAt: '2024-05-01T10:00:01Z' } } }],
  },
};

t.test('a full, valid Pod passes in every mode: metadata and status fields are known', async (t) => {
  for (const mode of ['Strict', 'Warn', 'Ignore'] as const) t.same(decoder.check(pods, validPod, mode), { errors: [], warnings: [] }, mode);
});

t.test('fields of Kubernetes 1.31-1.36 are known; one removed in 1.31 is not', async (t) => {
  const pod = structuredClone(validPod) as Record<string, any>;
  pod.spec.hostnameOverride = 'web-0';
  pod.spec.resources = { limits: { cpu: '1' } };
  pod.spec.containers[0].restartPolicyRules = [{ action: 'Restart', exitCodes: { operator: 'In', values: [42] } }];
  pod.spec.containers[0].lifecycle = { stopSignal: 'SIGTERM' };
  pod.spec.volumes = [{ name: 'img', image: { reference: 'registry.example/data:1', pullPolicy: 'IfNotPresent' } }];
  pod.spec.resourceClaims = [{ name: 'gpu', resourceClaimTemplateName: 'gpu-template' }];
  pod.status.observedGeneration = 2;
  t.same(decoder.check(pods, structuredClone(pod), 'Strict'), { errors: [], warnings: [] });

  pod.spec.resourceClaims = [{ name: 'gpu', source: { resourceClaimName: 'old' } }];
  t.same(decoder.check(pods, pod, 'Strict').errors, ['unknown field "spec.resourceClaims[0].source"']);
});

// The body Kubernetes' own field-validation integration test posts, without its duplicate keys.
const deploymentWithUnknownFields = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'nginx' }, unknownMeta: 'metaVal' },
  spec: {
    unknown1: 'val1',
    unknownDupe: 'valDupe',
    paused: true,
    selector: { matchLabels: { app: 'nginx' } },
    template: {
      metadata: { labels: { app: 'nginx' } },
      spec: { containers: [{ name: 'nginx', image: 'nginx:latest', unknownNested: 'val1', imagePullPolicy: 'Always' }] },
    },
  },
};
const expectedUnknown = [
  'unknown field "metadata.unknownMeta"',
  'unknown field "spec.unknown1"',
  'unknown field "spec.unknownDupe"',
  'unknown field "spec.template.spec.containers[0].unknownNested"',
];

t.test('unknown fields: Strict fails with every path, Warn warns, Ignore is silent', async (t) => {
  const strict = decoder.check(deployments, structuredClone(deploymentWithUnknownFields), 'Strict');
  t.same(strict.errors, expectedUnknown);
  t.equal(
    strict.message,
    `Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: ${expectedUnknown.join(', ')}`,
  );
  t.same(decoder.check(deployments, structuredClone(deploymentWithUnknownFields), 'Warn'), { errors: [], warnings: expectedUnknown });
  t.same(decoder.check(deployments, structuredClone(deploymentWithUnknownFields), 'Ignore'), { errors: [], warnings: [] });
});

t.test('unknown fields are dropped from the body in every mode, as decoding into the Go types drops them', async (t) => {
  for (const mode of ['Strict', 'Warn', 'Ignore'] as const) {
    const body = structuredClone(deploymentWithUnknownFields);
    decoder.check(deployments, body, mode);
    t.same(
      body,
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', labels: { app: 'nginx' } },
        spec: {
          paused: true,
          selector: { matchLabels: { app: 'nginx' } },
          template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:latest', imagePullPolicy: 'Always' }] } },
        },
      },
      mode,
    );
  }
});

t.test('duplicate fields found in the JSON text join the strict findings', async (t) => {
  const duplicates = ['duplicate field "metadata.name"'];
  const strict = decoder.check(deployments, { metadata: { name: 'web' } }, 'Strict', duplicates);
  t.equal(strict.message, 'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: duplicate field "metadata.name"');
  t.same(decoder.check(deployments, { metadata: { name: 'web' } }, 'Warn', duplicates).warnings, duplicates);
  t.same(decoder.check(deployments, { metadata: { name: 'web' } }, 'Ignore', duplicates), { errors: [], warnings: [] });
});

t.test('integers beyond 2^53 in integer fields are refused: they would not be kept exactly', async (t) => {
  const result = decoder.check(deployments, { spec: { replicas: 1, revisionHistoryLimit: 1 }, metadata: { generation: 2 ** 60 } }, 'Ignore');
  t.match(result.message, /cannot unmarshal number 1152921504606847000 into Go struct field ObjectMeta\.metadata\.generation of type int64: integers beyond ±2\^53 cannot be kept exactly/);
});

t.test('unknown fields deep in list items and nested objects', async (t) => {
  const pod = structuredClone(validPod) as Record<string, any>;
  pod.spec.containers.push({ name: 'side', image: 'busybox', env: [{ name: 'A', value: '1' }, { name: 'B', valueFrom: { fieldRef: { fieldPath: 'x', bogus: 1 } } }] });
  pod.spec.containers[0].ports[0].hostProt = 8080;
  pod.spec.volumes = [{ name: 'v', configMap: { name: 'c', items: [{ key: 'k', path: 'p', extra: true }] } }];
  pod.status.containerStatuses[0].state.running.since = 'now';
  pod.Spec = {};
  t.same(decoder.check(pods, pod, 'Strict').errors, [
    'unknown field "spec.containers[0].ports[0].hostProt"',
    'unknown field "spec.containers[1].env[1].valueFrom.fieldRef.bogus"',
    'unknown field "spec.volumes[0].configMap.items[0].extra"',
    'unknown field "status.containerStatuses[0].state.running.since"',
    'unknown field "Spec"',
  ]);
});

t.test('unknown fields inside a map of objects are reported under the map key', async (t) => {
  // No served kind has a map of structs, so this kind is made up for the test.
  const definitions: Definitions = {
    'io.k8s.api.example.v1.Widget': {
      type: 'object',
      properties: {
        kind: { type: 'string' },
        spec: { $ref: '#/definitions/io.k8s.api.example.v1.WidgetSpec' },
      },
    },
    'io.k8s.api.example.v1.WidgetSpec': {
      type: 'object',
      properties: { parts: { type: 'object', additionalProperties: { $ref: '#/definitions/io.k8s.api.example.v1.Part' } } },
    },
    'io.k8s.api.example.v1.Part': { type: 'object', properties: { size: { type: 'integer', format: 'int32' } } },
  };
  const widgets = new StrictDecoder(definitions);
  const gvk = { group: 'example.com', version: 'v1', kind: 'Widget' };
  t.same(widgets.check(gvk, { spec: { parts: { left: { size: 1 }, right: { size: 2, colour: 'red' } } } }, 'Strict').errors, [
    'unknown field "spec.parts.right.colour"',
  ]);
  t.same(widgets.check(gvk, { spec: { parts: { left: { size: 'big' } } } }, 'Ignore').errors, [
    'json: cannot unmarshal string into Go struct field Part.spec.parts.size of type int32',
  ]);
});

t.test('type errors fail the request in every mode, worded as encoding/json', async (t) => {
  const cases: [ResourceInfo, unknown, string][] = [
    [deployments, { spec: { replicas: '3' } }, 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32'],
    [pods, { spec: { containers: { name: 'web' } } }, 'json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container'],
    [pods, { spec: 'nothing' }, 'json: cannot unmarshal string into Go struct field Pod.spec of type v1.PodSpec'],
    [pods, { metadata: { labels: { app: 7 } } }, 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string'],
    [pods, { metadata: { generation: 1.5 } }, 'json: cannot unmarshal number 1.5 into Go struct field ObjectMeta.metadata.generation of type int64'],
    [pods, { spec: { containers: [{ name: 'a', ports: [{ containerPort: 4294967296 }] }] } }, 'json: cannot unmarshal number 4294967296 into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32'],
    [pods, { spec: { hostNetwork: 'yes' } }, 'json: cannot unmarshal string into Go struct field PodSpec.spec.hostNetwork of type bool'],
    [pods, { spec: { securityContext: { supplementalGroups: ['x'] } } }, 'json: cannot unmarshal string into Go struct field PodSecurityContext.spec.securityContext.supplementalGroups of type int64'],
    [pods, { spec: { containers: [{ name: 'a', livenessProbe: { tcpSocket: { port: true } } }] } }, 'json: cannot unmarshal bool into Go struct field TCPSocketAction.spec.containers.livenessProbe.tcpSocket.port of type int32'],
    [pods, { spec: { containers: [{ name: 'a', resources: { limits: { cpu: 'lots' } } }] } }, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
    [pods, { spec: { containers: [{ name: 'a', resources: { limits: { cpu: '1kk' } } }] } }, "unable to parse quantity's suffix"],
    [pods, { metadata: { creationTimestamp: 'yesterday' } }, 'parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"'],
    [pods, { metadata: { creationTimestamp: '2024-02-30T00:00:00Z' } }, 'parsing time "2024-02-30T00:00:00Z": day out of range'],
    [pods, { metadata: { creationTimestamp: 1714557600 } }, 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.creationTimestamp of type string'],
    [resource('', 'secrets'), { data: { key: 'not base64!' } }, 'illegal base64 data at input byte 3'],
    [pods, ['a pod'], 'json: cannot unmarshal array into Go value of type v1.Pod'],
  ];
  for (const [info, body, expected] of cases) {
    for (const mode of ['Strict', 'Ignore'] as const) {
      const result = decoder.check(info, body, mode);
      t.same(result.errors, [expected], `${mode}: ${expected}`);
      t.equal(result.message, `${info.kind} in version "v1" cannot be handled as a ${info.kind}: ${expected}`);
    }
  }
});

t.test('a type error hides unknown fields, and only the first type error is reported', async (t) => {
  const body = { spec: { bogus: 1, replicas: 'three', minReadySeconds: 'ten' } };
  t.same(decoder.check(deployments, body, 'Strict').errors, ['json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32']);
  t.same(decoder.check(deployments, body, 'Warn').warnings, [], 'no warnings when the body cannot be decoded');
});

t.test('null, int-or-string and quantity forms Kubernetes accepts', async (t) => {
  const body = {
    spec: {
      replicas: null,
      strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
      template: { spec: { containers: [{ name: 'a', resources: { requests: { cpu: 1, memory: '1.5Gi', storage: '1e3' } } }] } },
    },
    metadata: { labels: null, creationTimestamp: '2024-05-01T10:00:00.123456+02:00' },
  };
  t.same(decoder.check(deployments, body, 'Strict'), { errors: [], warnings: [] });
  const lease = { spec: { renewTime: '2024-05-01T10:00:00.123456Z', leaseDurationSeconds: 15 } };
  t.same(decoder.check(resource('coordination.k8s.io', 'leases'), lease, 'Strict'), { errors: [], warnings: [] });
  t.same(decoder.check(resource('coordination.k8s.io', 'leases'), { spec: { renewTime: '2024-05-01T10:00:00Z' } }, 'Strict').errors, [
    'parsing time "2024-05-01T10:00:00Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "Z" as ".000000"',
  ]);
});

t.test('checkObject uses the definitions generated into dist/openapi', async (t) => {
  t.same(checkObject(pods, { spec: { nodeNmae: 'n1' } }, 'Strict').errors, ['unknown field "spec.nodeNmae"']);
  t.same(checkObject(pods, validPod, 'Strict').errors, []);
});

t.test('warnings become Warning header values kubectl prints', async (t) => {
  t.equal(warningHeader('unknown field "spec.foo"'), '299 - "unknown field \\"spec.foo\\""');
});

t.test('the Warning headers of one response are bounded as kube-apiserver bounds them', async (t) => {
  const short = ['unknown field "a"', 'unknown field "b"', 'unknown field "a"'];
  t.same(warningHeaders(short), ['299 - "unknown field \\"a\\""', '299 - "unknown field \\"b\\""'], 'each text once');
  // Past 4 Ki characters in all, every warning is cut to 256 characters and the rest left out.
  const long = Array.from({ length: 100 }, (_, i) => `unknown field "${String(i).padStart(3, '0')}${'k'.repeat(1000)}"`);
  const headers = warningHeaders(long);
  t.equal(headers.length, 16, 'four whole, then all cut: 5 × 256 + 11 × 256 = 4096');
  t.equal(headers[0], `299 - "unknown field \\"000${'k'.repeat(256 - 19)}"`);
  t.ok(headers.every((h) => h.length <= 256 + 8), 'each one cut');
  // Cut between characters: an escape is never split, so the quoted string stays closed.
  const [emoji] = warningHeaders([`unknown field "${'🙂'.repeat(5000)}"`]);
  t.match(emoji, /^299 - "unknown field \\"(\\ud83d\\ude42)+"$/);
  t.ok(emoji!.length <= 4096 + 8);
});
