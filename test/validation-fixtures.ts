// Shared by the validation and defaulting tests: valid objects of every kind, and helpers that
// run the apiserver's order of work (defaults, then validation) and return kubectl's messages.
import { applyDefaults } from '../lib/api/defaults/index.js';
import { formatFieldError } from '../lib/api/field-errors.js';
import type { KubeObject } from '../lib/api/object.js';
import { type ResourceInfo, findKind } from '../lib/api/resources.js';
import { validateCreate, validateStatusUpdate, validateUpdate } from '../lib/api/validation/index.js';
import { addDefaultTolerations } from '../services/apiserver/admission/default-toleration-seconds.js';

export type Obj = KubeObject;

/** "spec.containers[0].ports[1]" or "metadata.labels['app.kubernetes.io/name']" → keys. */
function pathKeys(path: string): (string | number)[] {
  const keys: (string | number)[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]|\['([^']*)'\]/g;
  for (let m = re.exec(path); m; m = re.exec(path)) keys.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : m[3]!));
  return keys;
}

type Container = Record<string | number, unknown>;

function parentOf(obj: Obj, path: string): [Container, string | number] {
  const keys = pathKeys(path);
  let cur = obj as unknown as Container;
  for (const [i, key] of keys.slice(0, -1).entries()) {
    if (cur[key] === undefined || cur[key] === null) cur[key] = typeof keys[i + 1] === 'number' ? [] : {};
    cur = cur[key] as Container;
  }
  return [cur, keys[keys.length - 1]!];
}

/** Sets the value at a path, creating objects and lists on the way. */
export function set(obj: Obj, path: string, value: unknown): Obj {
  const [parent, key] = parentOf(obj, path);
  parent[key] = value;
  return obj;
}

export function unset(obj: Obj, path: string): Obj {
  const [parent, key] = parentOf(obj, path);
  if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
  else delete parent[key];
  return obj;
}

export function get(obj: unknown, path: string): unknown {
  let cur = obj as Container | undefined;
  for (const key of pathKeys(path)) cur = cur?.[key] as Container | undefined;
  return cur;
}

export function info(obj: KubeObject): ResourceInfo {
  const found = findKind(obj.apiVersion ?? '', obj.kind ?? '');
  if (!found) throw new Error(`no resource for ${obj.apiVersion} ${obj.kind}`);
  return found;
}

export function clone<T>(value: T): T {
  return structuredClone(value);
}

/** Messages of creating `obj` after defaulting, as kubectl prints them. */
export function createProblems(obj: Obj): string[] {
  const o = clone(obj);
  applyDefaults(info(o), o);
  return validateCreate(info(o), o).map(formatFieldError);
}

/** The object as the store would hold it after a successful create (defaults, and what admission adds to pods). */
export function stored(obj: Obj): Obj {
  const o = clone(obj);
  applyDefaults(info(o), o);
  if (o.kind === 'Pod' && o.spec && typeof o.spec === 'object') {
    const spec = o.spec as Record<string, unknown>;
    spec.priority ??= 0;
    spec.preemptionPolicy ??= 'PreemptLowerPriority';
    addDefaultTolerations(spec);
  }
  const problems = validateCreate(info(o), o).map(formatFieldError);
  if (problems.length > 0) throw new Error(`fixture is invalid: ${problems.join('; ')}`);
  o.metadata = { ...o.metadata, uid: '6f1c1b6e-0000-4000-8000-000000000001', resourceVersion: '7', creationTimestamp: '2024-05-01T10:00:00Z' };
  return o;
}

/** Messages of replacing `old` (a stored object) with `next` (a client body, defaulted as an update). */
export function updateProblems(next: Obj, old: Obj): string[] {
  const o = clone(next);
  applyDefaults(info(o), o, { operation: 'update', old });
  return validateUpdate(info(o), o, old).map(formatFieldError);
}

export function statusProblems(next: Obj, old: Obj): string[] {
  return validateStatusUpdate(info(next), next, old).map(formatFieldError);
}

/** `old` with changes applied by `edit`, keeping identity and resourceVersion like kubectl edit does. */
export function edited(old: Obj, edit: (o: Obj) => void): Obj {
  const o = clone(old);
  edit(o);
  return o;
}

export const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
export const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
export const DNS1035_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
export const NAME_PART_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
export const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

export function pod(): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
    spec: { containers: [{ name: 'app', image: 'nginx:1.25', ports: [{ containerPort: 80, name: 'http' }] }] },
  };
}

function template(): Obj {
  return { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.25' }] } };
}

export function deployment(): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: template() },
  };
}

export function replicaSet(): Obj {
  return { ...deployment(), kind: 'ReplicaSet', metadata: { name: 'web-5d9c7b', namespace: 'default' }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: template() } };
}

export function daemonSet(): Obj {
  return { ...deployment(), kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'kube-system' }, spec: { selector: { matchLabels: { app: 'web' } }, template: template() } };
}

export function service(): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default' },
    spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] },
  };
}

export function namespace(): Obj {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev' } };
}

export function node(): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'node-1', labels: { 'kubernetes.io/hostname': 'node-1' } },
    spec: { podCIDR: '10.244.1.0/24' },
    status: { capacity: { cpu: '4', memory: '8Gi', pods: '110' } },
  };
}

export function endpoints(): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'web', namespace: 'default' },
    subsets: [{ addresses: [{ ip: '10.244.1.5', nodeName: 'node-1' }], ports: [{ port: 80 }] }],
  };
}

export function endpointSlice(): Obj {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'web-x7k2p', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['10.244.1.5'], conditions: { ready: true }, nodeName: 'node-1' }],
    ports: [{ name: 'http', port: 80 }],
  };
}

export function configMap(): Obj {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'default' }, data: { 'app.conf': 'x=1' } };
}

export function secret(): Obj {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: 'default' }, data: { password: Buffer.from('s3cret').toString('base64') } };
}

export function serviceAccount(): Obj {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'builder', namespace: 'default' } };
}

export function event(): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'web.17c8f2a1b3', namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'web', namespace: 'default' },
    reason: 'Scheduled',
    message: 'Successfully assigned default/web to node-1',
    type: 'Normal',
  };
}

export function lease(): Obj {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: 'node-1', namespace: 'kube-node-lease' },
    spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40, renewTime: '2024-05-01T10:00:00.000000Z' },
  };
}

export function job(): Obj {
  const spec = template();
  (spec.spec as Record<string, unknown>).restartPolicy = 'Never';
  // A manual selector, so the object is valid as it is, without the selector the job strategy generates.
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'pi', namespace: 'default' },
    spec: { completions: 2, parallelism: 1, backoffLimit: 3, manualSelector: true, selector: { matchLabels: { app: 'web' } }, template: spec },
  };
}

export function cronJob(): Obj {
  const spec = template();
  (spec.spec as Record<string, unknown>).restartPolicy = 'OnFailure';
  return { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly', namespace: 'default' }, spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: spec } } } };
}

export function statefulSet(): Obj {
  return { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'default' }, spec: { replicas: 3, serviceName: 'db', selector: { matchLabels: { app: 'web' } }, template: template() } };
}

export function controllerRevision(): Obj {
  return { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'db-7c9d5f', namespace: 'default' }, data: { spec: { template: template() } }, revision: 1 };
}

export function replicationController(): Obj {
  return { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'web-rc', namespace: 'default' }, spec: { replicas: 2, selector: { app: 'web' }, template: template() } };
}

export function podTemplate(): Obj {
  return { apiVersion: 'v1', kind: 'PodTemplate', metadata: { name: 'web-template', namespace: 'default' }, template: template() };
}

export function podDisruptionBudget(): Obj {
  return { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web-pdb', namespace: 'default' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } } };
}

export function priorityClass(): Obj {
  return { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'batch-low' }, value: 100, description: 'work that can wait' };
}

export function horizontalPodAutoscaler(): Obj {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 1,
      maxReplicas: 5,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }],
    },
  };
}

/** A PKCS#10 request for CN=alice, O=dev, signed with its own P-256 key (made once with openssl). */
export const CSR_PEM = `-----BEGIN CERTIFICATE REQUEST-----
MIHZMIGAAgEAMB4xDjAMBgNVBAMMBWFsaWNlMQwwCgYDVQQKDANkZXYwWTATBgcq
hkjOPQIBBggqhkjOPQMBBwNCAARhGu2vcYd0Rg29siOrWtlK2cegUZ22FPxRmII4
JtVVK6mTBpwDIyEDeY2r9ImN9fZ0JEIfCN1tY2wulbPReeoYoAAwCgYIKoZIzj0E
AwIDSAAwRQIgDbSmhdNMw4EmNpFQflUaUwss2rJtYWUygdzUaZbZaPkCIQD8Os13
OcTPAxqNEs25WSD+uklXs1WSD+xub31IygTcJA==
-----END CERTIFICATE REQUEST-----
`;

/** A certificate for the same key (self-signed, made once with openssl): what a signer would put in status.certificate. */
export const CERTIFICATE_PEM = `-----BEGIN CERTIFICATE-----
MIIBkDCCATegAwIBAgIUSUFPVz1RCJQaiGj6yEnJO03OItowCgYIKoZIzj0EAwIw
HjEOMAwGA1UEAwwFYWxpY2UxDDAKBgNVBAoMA2RldjAeFw0yNjEyMDcxNTI5Mzha
Fw0zNjEyMDQxNTI5MzhaMB4xDjAMBgNVBAMMBWFsaWNlMQwwCgYDVQQKDANkZXYw
WTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAARhGu2vcYd0Rg29siOrWtlK2cegUZ22
FPxRmII4JtVVK6mTBpwDIyEDeY2r9ImN9fZ0JEIfCN1tY2wulbPReeoYo1MwUTAd
BgNVHQ4EFgQUCkdsso/fmJ7kXRBgVQI9NtjGelMwHwYDVR0jBBgwFoAUCkdsso/f
mJ7kXRBgVQI9NtjGelMwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNHADBE
AiAUnLfRPdrAlxwbOPs9UL5Xf1HPw5DjVxM1rBZfz3GaBgIgYRaiQuB37wHR/pKX
AMRcBhUz9VLGjvSVgBZZzlXbNL4=
-----END CERTIFICATE-----
`;

export function role(): Obj {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'pod-reader', namespace: 'default' },
    rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }],
  };
}

export function clusterRole(): Obj {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'health-reader' },
    rules: [
      { nonResourceURLs: ['/healthz', '/readyz'], verbs: ['get'] },
      { apiGroups: ['apps'], resources: ['deployments', 'deployments/scale'], resourceNames: ['web'], verbs: ['update'] },
    ],
    aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate-to-health': 'true' } }] },
  };
}

export function roleBinding(): Obj {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'read-pods', namespace: 'default' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' },
    subjects: [
      { kind: 'User', name: 'alice', apiGroup: 'rbac.authorization.k8s.io' },
      { kind: 'ServiceAccount', name: 'builder', namespace: 'default' },
    ],
  };
}

export function clusterRoleBinding(): Obj {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'health-readers' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'health-reader' },
    subjects: [
      { kind: 'Group', name: 'devs', apiGroup: 'rbac.authorization.k8s.io' },
      { kind: 'ServiceAccount', name: 'monitor', namespace: 'kube-system' },
    ],
  };
}

export function certificateSigningRequest(): Obj {
  return {
    apiVersion: 'certificates.k8s.io/v1',
    kind: 'CertificateSigningRequest',
    metadata: { name: 'alice' },
    spec: { request: Buffer.from(CSR_PEM).toString('base64'), signerName: 'kubernetes.io/kube-apiserver-client', expirationSeconds: 86400, usages: ['client auth'] },
  };
}

export function runtimeClass(): Obj {
  return {
    apiVersion: 'node.k8s.io/v1',
    kind: 'RuntimeClass',
    metadata: { name: 'gvisor' },
    handler: 'runsc',
    overhead: { podFixed: { cpu: '100m', memory: '20Mi' } },
    scheduling: { nodeSelector: { sandbox: 'true' }, tolerations: [{ key: 'sandbox', operator: 'Exists', effect: 'NoSchedule' }] },
  };
}

export function validatingWebhookConfiguration(): Obj {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name: 'pod-policy' },
    webhooks: [
      {
        name: 'pods.policy.example.com',
        clientConfig: { service: { name: 'policy', namespace: 'default', path: '/validate' } },
        rules: [{ operations: ['CREATE', 'UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods', 'pods/status'] }],
        sideEffects: 'None',
        admissionReviewVersions: ['v1'],
        matchConditions: [{ name: 'not-system', expression: "!request.userInfo.username.startsWith('system:')" }],
      },
    ],
  };
}

export function mutatingWebhookConfiguration(): Obj {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: 'sidecar-injector' },
    webhooks: [
      {
        name: 'inject.sidecar.example.com',
        clientConfig: { url: 'https://injector.example.com/mutate' },
        rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
        sideEffects: 'NoneOnDryRun',
        admissionReviewVersions: ['v1', 'v1beta1'],
        reinvocationPolicy: 'IfNeeded',
      },
    ],
  };
}

export function validatingAdmissionPolicy(): Obj {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name: 'replica-limit' },
    spec: {
      paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
      matchConstraints: { resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments'] }] },
      variables: [{ name: 'replicas', expression: 'object.spec.replicas' }],
      validations: [{ expression: 'variables.replicas <= int(params.data.maxReplicas)', messageExpression: "'at most ' + params.data.maxReplicas + ' replicas'", reason: 'Invalid' }],
    },
  };
}

export function validatingAdmissionPolicyBinding(): Obj {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name: 'replica-limit-default' },
    spec: { policyName: 'replica-limit', validationActions: ['Deny', 'Audit'], paramRef: { name: 'limits', namespace: 'default', parameterNotFoundAction: 'Deny' } },
  };
}

export function deviceClass(): Obj {
  return { apiVersion: 'resource.k8s.io/v1', kind: 'DeviceClass', metadata: { name: 'gpu.example.com' }, spec: { selectors: [{ cel: { expression: "device.driver == 'gpu.example.com'" } }] } };
}

export function resourceClaim(): Obj {
  return {
    apiVersion: 'resource.k8s.io/v1',
    kind: 'ResourceClaim',
    metadata: { name: 'gpu-claim', namespace: 'default' },
    spec: { devices: { requests: [{ name: 'gpu', exactly: { deviceClassName: 'gpu.example.com', count: 2 } }] } },
  };
}

export function resourceClaimTemplate(): Obj {
  return {
    apiVersion: 'resource.k8s.io/v1',
    kind: 'ResourceClaimTemplate',
    metadata: { name: 'gpu-template', namespace: 'default' },
    spec: {
      metadata: { labels: { app: 'trainer' } },
      spec: {
        devices: {
          requests: [{ name: 'gpu', firstAvailable: [{ name: 'big', deviceClassName: 'gpu.example.com', allocationMode: 'All' }, { name: 'small', deviceClassName: 'gpu.example.com' }] }],
        },
      },
    },
  };
}

export function resourceSlice(): Obj {
  return {
    apiVersion: 'resource.k8s.io/v1',
    kind: 'ResourceSlice',
    metadata: { name: 'node-1-gpu' },
    spec: {
      driver: 'gpu.example.com',
      nodeName: 'node-1',
      pool: { name: 'node-1', generation: 1, resourceSliceCount: 1 },
      devices: [{ name: 'gpu-0', attributes: { model: { string: 'a100' } }, capacity: { memory: { value: '40Gi' } } }],
    },
  };
}

export function resourceQuota(): Obj {
  return { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'compute', namespace: 'default' }, spec: { hard: { pods: '10', 'requests.cpu': '2', 'limits.memory': '4Gi', 'count/deployments.apps': '5' } } };
}

export function limitRange(): Obj {
  return {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: { name: 'limits', namespace: 'default' },
    spec: { limits: [{ type: 'Container', max: { cpu: '2' }, min: { cpu: '100m' }, default: { cpu: '500m' }, defaultRequest: { cpu: '200m' }, maxLimitRequestRatio: { cpu: '10' } }] },
  };
}

export function persistentVolume(): Obj {
  return { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv-1' }, spec: { capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data/pv-1' }, storageClassName: 'standard' } };
}

export function persistentVolumeClaim(): Obj {
  return { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'default' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'standard' } };
}

export function storageClass(): Obj {
  return { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'standard' }, provisioner: 'example.com/hostpath', parameters: { type: 'ssd' }, allowVolumeExpansion: true };
}

export function csiDriver(): Obj {
  return { apiVersion: 'storage.k8s.io/v1', kind: 'CSIDriver', metadata: { name: 'hostpath.csi.example.com' }, spec: { attachRequired: false, podInfoOnMount: true } };
}

export function csiNode(): Obj {
  return { apiVersion: 'storage.k8s.io/v1', kind: 'CSINode', metadata: { name: 'node-1' }, spec: { drivers: [{ name: 'hostpath.csi.example.com', nodeID: 'node-1', topologyKeys: ['topology.kubernetes.io/zone'] }] } };
}

export function volumeAttachment(): Obj {
  return { apiVersion: 'storage.k8s.io/v1', kind: 'VolumeAttachment', metadata: { name: 'attach-pv-1' }, spec: { attacher: 'hostpath.csi.example.com', nodeName: 'node-1', source: { persistentVolumeName: 'pv-1' } } };
}

export function csiStorageCapacity(): Obj {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'CSIStorageCapacity',
    metadata: { name: 'capacity-zone-a', namespace: 'default' },
    storageClassName: 'standard',
    nodeTopology: { matchLabels: { 'topology.kubernetes.io/zone': 'a' } },
    capacity: '100Gi',
  };
}

export function volumeAttributesClass(): Obj {
  return { apiVersion: 'storage.k8s.io/v1', kind: 'VolumeAttributesClass', metadata: { name: 'gold' }, driverName: 'hostpath.csi.example.com', parameters: { iops: '3000' } };
}

export function ingress(): Obj {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      ingressClassName: 'nginx',
      rules: [{ host: 'web.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }],
      tls: [{ hosts: ['web.example.com'], secretName: 'web-tls' }],
    },
  };
}

export function ingressClass(): Obj {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'nginx' }, spec: { controller: 'example.com/ingress-nginx' } };
}

export function networkPolicy(): Obj {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'web-allow', namespace: 'default' },
    spec: {
      podSelector: { matchLabels: { app: 'web' } },
      ingress: [{ from: [{ podSelector: { matchLabels: { role: 'frontend' } } }, { ipBlock: { cidr: '10.0.0.0/16', except: ['10.0.1.0/24'] } }], ports: [{ protocol: 'TCP', port: 80 }] }],
      egress: [{ ports: [{ port: 5000, endPort: 5010 }] }],
    },
  };
}

export function serviceCIDR(): Obj {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'ServiceCIDR', metadata: { name: 'extra' }, spec: { cidrs: ['10.200.0.0/24', 'fd00:10::/120'] } };
}

export function ipAddress(): Obj {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'IPAddress', metadata: { name: '10.200.0.10' }, spec: { parentRef: { group: '', resource: 'services', namespace: 'default', name: 'web' } } };
}

export const ALL_VALID: (() => Obj)[] = [
  pod,
  deployment,
  replicaSet,
  daemonSet,
  service,
  namespace,
  node,
  endpoints,
  endpointSlice,
  configMap,
  secret,
  serviceAccount,
  event,
  lease,
  job,
  cronJob,
  statefulSet,
  controllerRevision,
  replicationController,
  podTemplate,
  podDisruptionBudget,
  priorityClass,
  horizontalPodAutoscaler,
  role,
  clusterRole,
  roleBinding,
  clusterRoleBinding,
  certificateSigningRequest,
  runtimeClass,
  validatingWebhookConfiguration,
  mutatingWebhookConfiguration,
  validatingAdmissionPolicy,
  validatingAdmissionPolicyBinding,
  deviceClass,
  resourceClaim,
  resourceClaimTemplate,
  resourceSlice,
  resourceQuota,
  limitRange,
  persistentVolume,
  persistentVolumeClaim,
  storageClass,
  csiDriver,
  csiNode,
  volumeAttachment,
  csiStorageCapacity,
  volumeAttributesClass,
  ingress,
  ingressClass,
  networkPolicy,
  serviceCIDR,
  ipAddress,
];
