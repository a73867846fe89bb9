import t from 'tap';
import { parse as parseYaml } from 'yaml';
import type { Operation, Parameter, PathItem, SwaggerDocument } from '../lib/api/openapi/document-types.js';
import { METHODS } from '../lib/api/openapi/document-types.js';
import { generateDocuments } from '../build-tools/openapi/generate.js';
import { openApiV2Types } from '../build-tools/openapi/protobuf-v2.js';
import { publishedDefinitions, publishedKinds } from '../build-tools/openapi/published-definitions.js';
import { upstreamDefinitions } from '../build-tools/openapi/upstream-definitions.js';
import type { Definitions, Schema } from '../lib/api/openapi/schema.js';
import { RESOURCES } from '../lib/api/resources.js';
import { kindDefinitionName } from '../lib/api/openapi/type-names.js';

// Kubernetes' definitions as the build keeps them (the module cache the build filled).
const upstream = (await upstreamDefinitions()).definitions;
const docs = generateDocuments(upstream);
const defs = docs.swagger.definitions;
const POD = 'io.k8s.api.core.v1.Pod';

t.test("Pod is Kubernetes 1.36's own definition", async (t) => {
  const pod = defs[POD]!;
  t.match(pod.description, /^Pod is a collection of containers/);
  t.same(pod['x-kubernetes-group-version-kind'], [{ group: '', version: 'v1', kind: 'Pod' }]);
  t.same(pod.properties?.spec, {
    description: pod.properties?.spec?.description,
    $ref: '#/definitions/io.k8s.api.core.v1.PodSpec',
  });
  const containers = defs['io.k8s.api.core.v1.PodSpec']!.properties!.containers!;
  t.equal(containers.type, 'array');
  t.same(containers.items, { $ref: '#/definitions/io.k8s.api.core.v1.Container' });
  t.match(containers.description, /List of containers belonging to the pod/);
  t.ok(defs['io.k8s.api.core.v1.PodSpec']!.required?.includes('containers'), 'containers is required');

  const container = defs['io.k8s.api.core.v1.Container']!;
  t.same(container.required, ['name'], 'only name is required in a Container');
  t.same(container.properties?.image?.type, 'string');
  t.match(container.properties?.image?.description, /Container image name/);
  t.same(defs['io.k8s.api.core.v1.ContainerPort']!.properties!.containerPort!.format, 'int32');

  // Fields of 1.31-1.36 that the 1.30 declarations lacked.
  t.ok(defs['io.k8s.api.core.v1.PodSpec']!.properties!.resources, 'pod-level resources');
  t.ok(defs['io.k8s.api.core.v1.PodSpec']!.properties!.hostnameOverride);
  t.ok(defs['io.k8s.api.core.v1.Container']!.properties!.restartPolicyRules);
  t.ok(defs['io.k8s.api.core.v1.Volume']!.properties!.image, 'image volumes');
  t.notOk(defs['io.k8s.api.core.v1.PodResourceClaim']!.properties!.source, 'a field removed in 1.31 is gone');
});

t.test('only published kinds and what they reference, with the GVKs of the resource table', async (t) => {
  // Alpha groups stay unserved: internal.apiserver.k8s.io is one.
  t.notOk(defs['io.k8s.api.apiserverinternal.v1alpha1.StorageVersion'], 'kinds Rudder does not serve stay out');
  t.notOk(defs['io.k8s.api.apps.v1beta2.StatefulSet']);
  const deleteOptions = defs['io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions']!['x-kubernetes-group-version-kind']!;
  t.notOk(deleteOptions.some((g) => g.group === 'internal.apiserver.k8s.io'), 'not every group kube-apiserver serves');
  t.ok(upstream['io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions']!['x-kubernetes-group-version-kind']!.some((g) => g.group === 'internal.apiserver.k8s.io'), 'as upstream lists');
  t.notOk(defs['io.k8s.api.core.v1.PodSpec']!['x-kubernetes-group-version-kind']);

  // A definition that refers to itself, and one the roots do not reach.
  const tiny: Definitions = {
    'io.k8s.api.core.v1.Pod': { type: 'object', properties: { next: { $ref: '#/definitions/io.k8s.api.core.v1.Pod' } }, 'x-kubernetes-group-version-kind': [{ group: 'x', version: 'v9', kind: 'Pod' }] },
    'io.k8s.api.core.v1.Unreached': { type: 'object' },
  };
  const picked = publishedDefinitions(tiny, { roots: ['io.k8s.api.core.v1.Pod'], groupVersionKinds: new Map() });
  t.same(Object.keys(picked), ['io.k8s.api.core.v1.Pod']);
  t.notOk(picked['io.k8s.api.core.v1.Pod']!['x-kubernetes-group-version-kind'], 'upstream GVKs are not kept');
  t.ok(tiny['io.k8s.api.core.v1.Pod']!['x-kubernetes-group-version-kind'], 'the input is not changed');
  t.ok(publishedKinds().roots.includes('io.k8s.apimachinery.pkg.version.Info'));
});

t.test('special types are written as Kubernetes writes them', async (t) => {
  t.same(defs['io.k8s.apimachinery.pkg.util.intstr.IntOrString']?.format, 'int-or-string');
  t.same(defs['io.k8s.api.core.v1.ServicePort']!.properties!.targetPort!.$ref, '#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString');
  t.same(defs['io.k8s.apimachinery.pkg.apis.meta.v1.Time'], {
    description: defs['io.k8s.apimachinery.pkg.apis.meta.v1.Time']!.description,
    type: 'string',
    format: 'date-time',
  });
  t.same(defs['io.k8s.apimachinery.pkg.api.resource.Quantity']?.type, 'string');
  const limits = defs['io.k8s.api.core.v1.ResourceRequirements']!.properties!.limits!;
  t.same({ type: limits.type, additionalProperties: limits.additionalProperties }, {
    type: 'object',
    additionalProperties: { $ref: '#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity' },
  });
  t.same(defs['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']!.properties!.labels!.additionalProperties, { type: 'string' });
  t.same(defs['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']!.properties!.generation!.format, 'int64');
  t.same(defs['io.k8s.api.core.v1.PodSecurityContext']!.properties!.supplementalGroups!.items, { type: 'integer', format: 'int64' });
  t.same(defs['io.k8s.api.core.v1.Secret']!.properties!.data!.additionalProperties, { type: 'string', format: 'byte' });
});

t.test('every served kind, its list, and the meta kinds carry their group-version-kind', async (t) => {
  for (const r of RESOURCES) {
    const kind = defs[kindDefinitionName(r.group, r.version, r.kind)];
    const list = defs[kindDefinitionName(r.group, r.version, r.listKind)];
    t.same(kind?.['x-kubernetes-group-version-kind'], [{ group: r.group, version: r.version, kind: r.kind }], r.kind);
    t.same(list?.['x-kubernetes-group-version-kind'], [{ group: r.group, version: r.version, kind: r.listKind }], r.listKind);
  }
  t.same(defs['io.k8s.api.autoscaling.v1.Scale']?.['x-kubernetes-group-version-kind'], [{ group: 'autoscaling', version: 'v1', kind: 'Scale' }]);
  t.same(defs['io.k8s.api.core.v1.Binding']?.['x-kubernetes-group-version-kind'], [{ group: '', version: 'v1', kind: 'Binding' }]);
  t.same(defs['io.k8s.apimachinery.pkg.apis.meta.v1.Status']?.['x-kubernetes-group-version-kind'], [{ group: '', version: 'v1', kind: 'Status' }]);
  const deleteOptions = defs['io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions']?.['x-kubernetes-group-version-kind'] ?? [];
  t.ok(deleteOptions.some((g) => g.group === 'apps' && g.version === 'v1' && g.kind === 'DeleteOptions'));
  t.ok(defs['io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent'], 'WatchEvent is published');
});

t.test("Kubernetes' patch and list metadata stays on the fields, in v2 and v3", async (t) => {
  const podSpec = defs['io.k8s.api.core.v1.PodSpec']!.properties!;
  t.equal(podSpec.containers!['x-kubernetes-patch-strategy'], 'merge');
  t.equal(podSpec.containers!['x-kubernetes-patch-merge-key'], 'name');
  t.equal(podSpec.containers!['x-kubernetes-list-type'], 'map');
  t.same(podSpec.containers!['x-kubernetes-list-map-keys'], ['name']);
  t.equal(podSpec.volumes!['x-kubernetes-patch-strategy'], 'merge,retainKeys');
  t.equal(podSpec.tolerations!['x-kubernetes-list-type'], 'atomic');
  t.notOk(podSpec.tolerations!['x-kubernetes-patch-strategy'], 'an atomic list has no patch strategy');
  t.equal(defs['io.k8s.api.core.v1.Container']!.properties!.ports!['x-kubernetes-patch-merge-key'], 'containerPort');
  t.equal(defs['io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector']!['x-kubernetes-map-type'], 'atomic');
  t.same(defs['io.k8s.api.core.v1.SeccompProfile']!['x-kubernetes-unions'], [{ discriminator: 'type', 'fields-to-discriminateBy': { localhostProfile: 'LocalhostProfile' } }]);
  const v3PodSpec = docs.v3.get('api/v1')!.components.schemas['io.k8s.api.core.v1.PodSpec']!.properties!;
  t.equal(v3PodSpec.containers!['x-kubernetes-patch-merge-key'], 'name');
  t.equal(v3PodSpec.containers!['x-kubernetes-list-type'], 'map');
});

function patchOperation(path: string): Operation {
  const operation = docs.swagger.paths[path]?.patch;
  if (!operation) throw new Error(`no PATCH at ${path}`);
  return operation;
}

t.test('every PATCH names its kind and accepts fieldValidation (what kubectl checks)', async (t) => {
  const pods = patchOperation('/api/v1/namespaces/{namespace}/pods/{name}');
  t.same(pods['x-kubernetes-group-version-kind'], { group: '', version: 'v1', kind: 'Pod' });
  t.equal(pods['x-kubernetes-action'], 'patch');
  t.equal(pods.operationId, 'patchCoreV1NamespacedPod');
  t.same(
    pods.parameters.map((p) => p.name),
    ['body', 'dryRun', 'fieldManager', 'fieldValidation', 'force'],
  );
  t.ok(pods.consumes.includes('application/strategic-merge-patch+json'));
  t.same(patchOperation('/api/v1/nodes/{name}')['x-kubernetes-group-version-kind'], { group: '', version: 'v1', kind: 'Node' });
  t.same(patchOperation('/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale')['x-kubernetes-group-version-kind'], {
    group: 'autoscaling',
    version: 'v1',
    kind: 'Scale',
  });
  for (const [path, item] of Object.entries(docs.swagger.paths)) {
    for (const method of ['post', 'put', 'patch'] as const) {
      const operation = item[method];
      if (operation) t.ok(operation.parameters.some((p) => p.name === 'fieldValidation'), `${method} ${path} lists fieldValidation`);
    }
  }
  t.equal(docs.swagger.paths['/api/v1/namespaces/{namespace}/pods/{name}/binding']?.post?.operationId, 'createCoreV1NamespacedPodBinding');
  t.equal(docs.swagger.paths['/api/v1/pods']?.get?.operationId, 'listCoreV1PodForAllNamespaces');
  t.equal(docs.swagger.paths['/apis/discovery.k8s.io/v1/watch/endpointslices']?.get?.operationId, 'watchDiscoveryV1EndpointSliceListForAllNamespaces');
});

// Reads the gnostic protobuf back into the JSON form, to compare with what was encoded.
type Decoded = Record<string, unknown>;
const nonEmpty = (value: unknown): boolean => value !== undefined && value !== '' && value !== false && !(Array.isArray(value) && value.length === 0);

function extensionsFrom(list: unknown): Decoded {
  const out: Decoded = {};
  for (const entry of (list as { name: string; value: { yaml: string } }[] | undefined) ?? []) out[entry.name] = parseYaml(entry.value.yaml);
  return out;
}

function schemaFrom(m: Decoded): Schema {
  const s: Decoded = {};
  if (nonEmpty(m._ref)) s.$ref = m._ref;
  if (nonEmpty(m.description)) s.description = m.description;
  const type = (m.type as { value?: string[] } | undefined)?.value;
  if (type?.length) s.type = type[0];
  if (nonEmpty(m.format)) s.format = m.format;
  if (m.properties) {
    s.properties = Object.fromEntries(
      ((m.properties as Decoded).additional_properties as { name: string; value: Decoded }[]).map((p) => [p.name, schemaFrom(p.value)]),
    );
  }
  if (nonEmpty(m.required)) s.required = m.required;
  const items = (m.items as { schema?: Decoded[] } | undefined)?.schema;
  if (items?.length) s.items = schemaFrom(items[0]!);
  const additional = m.additional_properties as { schema?: Decoded; boolean?: boolean } | undefined;
  if (additional?.schema) s.additionalProperties = schemaFrom(additional.schema);
  Object.assign(s, extensionsFrom(m.vendor_extension));
  return s as Schema;
}

function parameterFrom(m: Decoded): Parameter {
  const parameter = m.parameter as Decoded;
  const body = parameter.body_parameter as Decoded | undefined;
  if (body) return { name: body.name as string, in: 'body', required: body.required as boolean, schema: schemaFrom(body.schema as Decoded) };
  const nonBody = parameter.non_body_parameter as Decoded;
  const sub = (nonBody.query_parameter_sub_schema ?? nonBody.path_parameter_sub_schema) as Decoded;
  const p: Decoded = { name: sub.name, in: sub.in, description: sub.description };
  if (sub.required) p.required = true;
  p.type = sub.type;
  if (sub.unique_items) p.uniqueItems = true;
  return p as unknown as Parameter;
}

function operationFrom(m: Decoded): Operation {
  const responses: Operation['responses'] = {};
  for (const r of (m.responses as { response_code: { name: string; value: { response: Decoded } }[] }).response_code) {
    const response: Decoded = { description: r.value.response.description };
    const schema = (r.value.response.schema as { schema?: Decoded } | undefined)?.schema;
    if (schema) response.schema = schemaFrom(schema);
    responses[r.name] = response as unknown as Operation['responses'][string];
  }
  return {
    description: m.description as string,
    consumes: m.consumes as string[],
    produces: m.produces as string[],
    schemes: m.schemes as string[],
    tags: m.tags as string[],
    operationId: m.operation_id as string,
    parameters: ((m.parameters as Decoded[] | undefined) ?? []).map(parameterFrom),
    responses,
    ...extensionsFrom(m.vendor_extension),
  };
}

t.test('the v2 protobuf decodes back to the same paths and definitions', async (t) => {
  const type = openApiV2Types().lookupType('openapi.v2.Document');
  const decoded = type.toObject(type.decode(docs.swaggerProtobuf), { defaults: false, arrays: true }) as Decoded;
  t.equal(decoded.swagger, '2.0');
  const definitions = Object.fromEntries(
    ((decoded.definitions as Decoded).additional_properties as { name: string; value: Decoded }[]).map((d) => [d.name, schemaFrom(d.value)]),
  );
  const paths: Record<string, PathItem> = {};
  for (const entry of (decoded.paths as { path: { name: string; value: Decoded }[] }).path) {
    const item: PathItem = {};
    for (const method of METHODS) if (entry.value[method]) item[method] = operationFrom(entry.value[method] as Decoded);
    if (nonEmpty(entry.value.parameters)) item.parameters = (entry.value.parameters as Decoded[]).map(parameterFrom);
    paths[entry.name] = item;
  }
  const expected = JSON.parse(JSON.stringify(docs.swagger)) as SwaggerDocument;
  t.same(Object.keys(paths), Object.keys(expected.paths), 'same paths, same order');
  t.same(definitions[POD], expected.definitions[POD]);
  t.same(definitions, expected.definitions);
  t.same(paths, expected.paths);
});

t.test('v3 documents are self-contained per group version', async (t) => {
  t.same([...docs.v3.keys()].sort(), [
    'api/v1',
    'apis/admissionregistration.k8s.io/v1',
    'apis/apiextensions.k8s.io/v1',
    'apis/apps/v1',
    'apis/autoscaling/v1',
    'apis/autoscaling/v2',
    'apis/batch/v1',
    'apis/certificates.k8s.io/v1',
    'apis/coordination.k8s.io/v1',
    'apis/discovery.k8s.io/v1',
    'apis/events.k8s.io/v1',
    'apis/networking.k8s.io/v1',
    'apis/node.k8s.io/v1',
    'apis/policy/v1',
    'apis/rbac.authorization.k8s.io/v1',
    'apis/resource.k8s.io/v1',
    'apis/scheduling.k8s.io/v1',
    'apis/storage.k8s.io/v1',
  ]);
  const core = docs.v3.get('api/v1')!;
  const apps = docs.v3.get('apis/apps/v1')!;
  t.equal(core.openapi, '3.0.0');
  t.same(core.components.schemas[POD]?.['x-kubernetes-group-version-kind'], [{ group: '', version: 'v1', kind: 'Pod' }]);
  t.same(core.components.schemas[POD]?.properties?.spec?.allOf, [{ $ref: '#/components/schemas/io.k8s.api.core.v1.PodSpec' }]);
  t.same(core.components.schemas['io.k8s.api.core.v1.PodSpec']?.properties?.containers?.items, { $ref: '#/components/schemas/io.k8s.api.core.v1.Container' });
  t.same(core.components.schemas['io.k8s.apimachinery.pkg.util.intstr.IntOrString']?.oneOf, [{ type: 'integer' }, { type: 'string' }]);
  t.notOk(core.components.schemas['io.k8s.api.apps.v1.Deployment'], 'apps kinds stay in the apps document');
  t.ok(apps.components.schemas['io.k8s.api.autoscaling.v1.Scale'], 'the scale subresource brings its Scale schema');

  const patch = core.paths['/api/v1/namespaces/{namespace}/pods/{name}']!.patch!;
  t.same(patch['x-kubernetes-group-version-kind'], { group: '', version: 'v1', kind: 'Pod' });
  t.ok(patch.parameters?.some((p) => p.name === 'fieldValidation' && p.in === 'query' && p.schema.type === 'string'));
  t.ok(patch.requestBody?.content['application/apply-patch+yaml']);

  for (const [key, document] of docs.v3) {
    const text = JSON.stringify(document);
    t.notMatch(text, /#\/definitions\//, `${key} uses v3 references only`);
    const refs = [...text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
    const missing = refs.filter((name) => !(name in document.components.schemas));
    t.same([...new Set(missing)], [], `${key} resolves every reference`);
  }
});
