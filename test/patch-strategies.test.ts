import t from 'tap';
import { kindDefinitionName } from '../lib/api/openapi/type-names.js';
import type { Definitions } from '../lib/api/openapi/schema.js';
import { RESOURCES } from '../lib/api/resources.js';
import { defaultPatchSchema, fieldsWithPatchStrategy, patchSchemaOf, patchStrategyOf, schemaFieldOf, type PatchStrategy } from '../lib/api/patch/index.js';

// The hand-kept table Rudder merged by before its schemas came from Kubernetes 1.36: the tags
// must still read the same (short names: io.k8s.api. and io.k8s.apimachinery.pkg.apis. dropped).
const FORMER_TABLE: [string, string, PatchStrategy, string?][] = [
  ['meta.v1.ObjectMeta', 'finalizers', 'merge'],
  ['meta.v1.ObjectMeta', 'ownerReferences', 'merge', 'uid'],
  ['core.v1.PodSpec', 'volumes', 'merge,retainKeys', 'name'],
  ['core.v1.PodSpec', 'initContainers', 'merge', 'name'],
  ['core.v1.PodSpec', 'containers', 'merge', 'name'],
  ['core.v1.PodSpec', 'ephemeralContainers', 'merge', 'name'],
  ['core.v1.PodSpec', 'imagePullSecrets', 'merge', 'name'],
  ['core.v1.PodSpec', 'hostAliases', 'merge', 'ip'],
  ['core.v1.PodSpec', 'topologySpreadConstraints', 'merge', 'topologyKey'],
  ['core.v1.PodSpec', 'schedulingGates', 'merge', 'name'],
  ['core.v1.PodSpec', 'resourceClaims', 'merge,retainKeys', 'name'],
  ['core.v1.Container', 'ports', 'merge', 'containerPort'],
  ['core.v1.Container', 'env', 'merge', 'name'],
  ['core.v1.Container', 'volumeMounts', 'merge', 'mountPath'],
  ['core.v1.Container', 'volumeDevices', 'merge', 'devicePath'],
  ['core.v1.EphemeralContainer', 'ports', 'merge', 'containerPort'],
  ['core.v1.EphemeralContainer', 'env', 'merge', 'name'],
  ['core.v1.EphemeralContainer', 'volumeMounts', 'merge', 'mountPath'],
  ['core.v1.EphemeralContainer', 'volumeDevices', 'merge', 'devicePath'],
  ['core.v1.PodStatus', 'conditions', 'merge', 'type'],
  ['core.v1.PodStatus', 'podIPs', 'merge', 'ip'],
  ['core.v1.PodStatus', 'hostIPs', 'merge', 'ip'],
  ['core.v1.PodStatus', 'resourceClaimStatuses', 'merge,retainKeys', 'name'],
  ['core.v1.ServiceSpec', 'ports', 'merge', 'port'],
  ['core.v1.ServiceStatus', 'conditions', 'merge', 'type'],
  ['core.v1.NodeSpec', 'podCIDRs', 'merge'],
  ['core.v1.NodeStatus', 'conditions', 'merge', 'type'],
  ['core.v1.NodeStatus', 'addresses', 'merge', 'type'],
  ['core.v1.NamespaceStatus', 'conditions', 'merge', 'type'],
  ['core.v1.ServiceAccount', 'secrets', 'merge', 'name'],
  ['apps.v1.DeploymentSpec', 'strategy', 'retainKeys'],
  ['apps.v1.DeploymentStatus', 'conditions', 'merge', 'type'],
  ['apps.v1.ReplicaSetStatus', 'conditions', 'merge', 'type'],
  ['apps.v1.DaemonSetStatus', 'conditions', 'merge', 'type'],
];

const fullName = (short: string): string => (short.startsWith('meta.') ? `io.k8s.apimachinery.pkg.apis.${short}` : `io.k8s.api.${short}`);

t.test('the tags of k8s.io/api reach the table through the served definitions', async (t) => {
  for (const [type, field, strategy, mergeKey] of FORMER_TABLE) {
    t.same(patchStrategyOf(fullName(type), field), mergeKey ? { strategy, mergeKey } : { strategy }, `${type}.${field}`);
  }
  t.equal(patchStrategyOf('io.k8s.api.core.v1.PodSpec', 'tolerations'), undefined, 'tolerations are atomic');
  t.equal(patchStrategyOf('io.k8s.api.core.v1.PodSpec', 'nope'), undefined);
  t.equal(patchStrategyOf('io.k8s.api.core.v1.Nope', 'containers'), undefined);
  // What the former table did not name: lists inside ContainerStatus, whose own lists are atomic,
  // and the lists of kinds served since.
  const former = new Set(FORMER_TABLE.map(([type, field]) => `${fullName(type)}.${field}`));
  const added = [...fieldsWithPatchStrategy()].map((f) => `${f.typeName}.${f.field}`).filter((name) => !former.has(name));
  t.same(added.sort(), [
    'io.k8s.api.admissionregistration.v1.MutatingWebhook.matchConditions',
    'io.k8s.api.admissionregistration.v1.MutatingWebhookConfiguration.webhooks',
    'io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicySpec.matchConditions',
    'io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicySpec.variables',
    'io.k8s.api.admissionregistration.v1.ValidatingWebhook.matchConditions',
    'io.k8s.api.admissionregistration.v1.ValidatingWebhookConfiguration.webhooks',
    'io.k8s.api.apps.v1.StatefulSetStatus.conditions',
    'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerStatus.conditions',
    'io.k8s.api.batch.v1.JobStatus.conditions',
    'io.k8s.api.core.v1.ContainerStatus.allocatedResourcesStatus',
    'io.k8s.api.core.v1.ContainerStatus.volumeMounts',
    'io.k8s.api.core.v1.PersistentVolumeClaimStatus.conditions',
    'io.k8s.api.core.v1.ReplicationControllerStatus.conditions',
    'io.k8s.api.networking.v1.ServiceCIDRStatus.conditions',
    'io.k8s.api.policy.v1.PodDisruptionBudgetSpec.selector',
    'io.k8s.api.policy.v1.PodDisruptionBudgetStatus.conditions',
    'io.k8s.api.resource.v1.ResourceClaimStatus.reservedFor',
    'io.k8s.api.storage.v1.CSINodeSpec.drivers',
    'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps.x-kubernetes-validations',
  ]);
  t.equal(schemaFieldOf('io.k8s.api.core.v1.PodStatus', 'containerStatuses')?.strategy, undefined);
});

t.test('every served kind has a root type that leads to its lists', async (t) => {
  const schema = defaultPatchSchema();
  for (const info of RESOURCES) {
    const root = kindDefinitionName(info.group, info.version, info.kind);
    t.ok(schema[root]?.metadata, `${info.resource} -> ${root}`);
  }
  t.equal(schemaFieldOf('io.k8s.api.apps.v1.DeploymentSpec', 'template')?.type, 'io.k8s.api.core.v1.PodTemplateSpec');
  t.same(schemaFieldOf('io.k8s.api.core.v1.PodSpec', 'containers'), { list: true, type: 'io.k8s.api.core.v1.Container', strategy: 'merge', mergeKey: 'name' });
  t.same(schemaFieldOf('io.k8s.api.core.v1.Container', 'args'), { list: true }, 'a list of strings without tags is replaced');
  t.equal(schemaFieldOf('io.k8s.api.core.v1.Container', 'image'), undefined, 'plain scalars need no entry');
});

t.test('a merge key only comes with the merge strategy', async (t) => {
  const all = [...fieldsWithPatchStrategy()];
  t.ok(all.some((f) => f.typeName === 'io.k8s.api.core.v1.PodSpec' && f.field === 'containers'));
  for (const f of all) {
    if (f.mergeKey) t.match(f.strategy, /^merge/, `${f.typeName}.${f.field}`);
    if (f.strategy?.startsWith('merge')) t.ok(schemaFieldOf(f.typeName, f.field)?.list, `${f.typeName}.${f.field} is a list`);
  }
});

t.test('the table is read from definitions; an unknown strategy is refused', async (t) => {
  const definitions: Definitions = {
    'io.k8s.api.example.v1.Widget': {
      type: 'object',
      properties: {
        parts: { type: 'array', items: { $ref: '#/definitions/io.k8s.api.example.v1.Part' }, 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'id' },
        tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-patch-strategy': 'merge' },
        owner: { $ref: '#/definitions/io.k8s.api.example.v1.Part', 'x-kubernetes-patch-strategy': 'replace' },
        size: { type: 'integer' },
      },
    },
    'io.k8s.api.example.v1.Part': { type: 'object', properties: { id: { type: 'string' } } },
  };
  t.same(patchSchemaOf(definitions), {
    'io.k8s.api.example.v1.Widget': {
      parts: { list: true, type: 'io.k8s.api.example.v1.Part', strategy: 'merge', mergeKey: 'id' },
      tags: { list: true, strategy: 'merge' },
      owner: { type: 'io.k8s.api.example.v1.Part', strategy: 'replace' },
    },
  });
  definitions['io.k8s.api.example.v1.Part']!.properties!.id!['x-kubernetes-patch-strategy'] = 'shuffle';
  t.throws(() => patchSchemaOf(definitions), /io\.k8s\.api\.example\.v1\.Part\.id: unknown patch strategy "shuffle"/);
});
