// Server-side apply and managedFields over the REST API of a real apiserver: every write records
// its manager (?fieldManager= or the User-Agent up to its first '/'), with operation, apiVersion,
// time, FieldsV1 and subresource; apply needs a fieldManager (422 in Kubernetes' words) and
// `force` belongs to apply only; apply creates a missing object, honours dry-run, applies YAML
// or JSON, works on the status and scale subresources; conflicts are a 409 Status with a cause
// per field; an object written before it was managed is taken over through before-first-apply.
import t from 'tap';
import { startApiserver, type ApiserverProcess } from '../lib/launch/apiserver-process.js';
import { rest, type RestResponse } from './helpers/rest.js';

interface Entry {
  manager?: string;
  operation: string;
  apiVersion: string;
  time?: string;
  fieldsType: string;
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

interface Obj {
  metadata: { resourceVersion: string; labels?: Record<string, string>; managedFields?: Entry[] };
  data?: Record<string, string>;
  spec?: { replicas?: number };
  status?: Record<string, unknown>;
}

const APPLY = { 'content-type': 'application/apply-patch+yaml' };
const NS = '/api/v1/namespaces/ssa';
const DEPLOYMENTS = '/apis/apps/v1/namespaces/ssa/deployments';

let apiserver: ApiserverProcess;
t.before(async () => {
  apiserver = await startApiserver();
  await call('POST', '/api/v1/namespaces', { metadata: { name: 'ssa' } });
});
t.teardown(async () => {
  await apiserver?.stop();
});

function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<RestResponse> {
  return rest(apiserver, method, path, body, headers);
}

const managers = (obj: Obj): [string | undefined, string, string | undefined][] => (obj.metadata.managedFields ?? []).map((m) => [m.manager, m.operation, m.subresource]);

const deployment = (replicas: number): Record<string, unknown> => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } } },
});

t.test('every write records its manager', async (t) => {
  const created = await call('POST', `${NS}/configmaps`, { metadata: { name: 'by-agent' }, data: { a: '1' } }, { 'user-agent': 'deployer/v2.1 (linux/amd64)' });
  t.equal(created.status, 201, created.text);
  const entry = created.json<Obj>().metadata.managedFields?.[0];
  t.match(entry, { manager: 'deployer', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { '.': {}, 'f:a': {} } } });
  t.match(entry?.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

  const patched = await call('PATCH', `${NS}/configmaps/by-agent?fieldManager=editor`, { data: { b: '2' } }, { 'content-type': 'application/merge-patch+json' });
  t.equal(patched.status, 200, patched.text);
  t.same(managers(patched.json<Obj>()), [
    ['deployer', 'Update', undefined],
    ['editor', 'Update', undefined],
  ]);
  t.same(patched.json<Obj>().metadata.managedFields?.[1]?.fieldsV1, { 'f:data': { 'f:b': {} } });

  // A PUT that changes what another manager set takes it over; one manager, one entry per apiVersion.
  const current = patched.json<Obj>();
  const put = await call('PUT', `${NS}/configmaps/by-agent?fieldManager=editor`, { ...current, data: { a: 'changed', b: '2' } });
  t.equal(put.status, 200, put.text);
  const afterPut = put.json<Obj>();
  t.same(
    afterPut.metadata.managedFields?.map((m) => [m.manager, m.fieldsV1]),
    [
      ['deployer', { 'f:data': {} }],
      ['editor', { 'f:data': { 'f:a': {}, 'f:b': {} } }],
    ],
    'deployer keeps only the map it added; .data.a is editor’s now',
  );

  // A no-op update keeps the resourceVersion and the entry's time.
  const again = await call('PUT', `${NS}/configmaps/by-agent?fieldManager=editor`, afterPut);
  t.equal(again.json<Obj>().metadata.resourceVersion, afterPut.metadata.resourceVersion);
});

t.test('apply: fieldManager required, force only for apply, create on apply, dry-run, YAML', async (t) => {
  const missing = await call('PATCH', `${NS}/configmaps/applied`, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: applied}\n', APPLY);
  t.equal(missing.status, 422);
  t.equal(missing.json().message, 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
  const forced = await call('PATCH', `${NS}/configmaps/by-agent?force=true`, { data: {} }, { 'content-type': 'application/merge-patch+json' });
  t.equal(forced.status, 422);
  t.equal(forced.json().message, 'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch');

  const dry = await call('PATCH', `${NS}/configmaps/applied?fieldManager=tool&dryRun=All`, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: applied}\ndata: {k: v}\n', APPLY);
  t.equal(dry.status, 201, dry.text);
  t.equal((await call('GET', `${NS}/configmaps/applied`)).status, 404, 'a dry run stores nothing');

  const made = await call('PATCH', `${NS}/configmaps/applied?fieldManager=tool`, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\n  labels: {app: x}\ndata:\n  k: v\n', APPLY);
  t.equal(made.status, 201, made.text);
  const obj = made.json<Obj>();
  t.same(obj.data, { k: 'v' });
  t.match(obj.metadata.managedFields, [{ manager: 'tool', operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:k': {} }, 'f:metadata': { 'f:labels': { 'f:app': {} } } } }]);

  const json = await call('PATCH', `${NS}/configmaps/applied?fieldManager=tool`, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied', labels: { app: 'x' } }, data: { k: 'v' } }), APPLY);
  t.equal(json.status, 200, json.text);
  t.equal(json.json<Obj>().metadata.resourceVersion, obj.metadata.resourceVersion, 'the same configuration as JSON changes nothing');

  const withManaged = await call('PATCH', `${NS}/configmaps/applied?fieldManager=tool`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied', managedFields: [] } }, APPLY);
  t.equal(withManaged.status, 400);
});

t.test('conflicts are a 409 Status with a cause per field; force takes the fields', async (t) => {
  const first = await call('PATCH', `${DEPLOYMENTS}/web?fieldManager=owner`, deployment(2), APPLY);
  t.equal(first.status, 201, first.text);
  const changed = { ...deployment(5), spec: { ...(deployment(5).spec as object), template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:2' }] } } } };
  const conflict = await call('PATCH', `${DEPLOYMENTS}/web?fieldManager=other`, changed, APPLY);
  t.equal(conflict.status, 409);
  const status = conflict.json<{ reason: string; message: string; details: { causes: { reason: string; message: string; field: string }[] } }>();
  t.equal(status.reason, 'Conflict');
  t.equal(status.message, 'Apply failed with 2 conflicts: conflicts with "owner":\n- .spec.replicas\n- .spec.template.spec.containers[name="nginx"].image');
  t.same(status.details.causes, [
    { reason: 'FieldManagerConflict', message: 'conflict with "owner"', field: '.spec.replicas' },
    { reason: 'FieldManagerConflict', message: 'conflict with "owner"', field: '.spec.template.spec.containers[name="nginx"].image' },
  ]);

  const scaled = await call('PATCH', `${DEPLOYMENTS}/web/scale?fieldManager=scaler`, { spec: { replicas: 3 } }, { 'content-type': 'application/merge-patch+json' });
  t.equal(scaled.status, 200, scaled.text);
  const afterScale = (await call('GET', `${DEPLOYMENTS}/web`)).json<Obj>();
  t.equal(afterScale.spec?.replicas, 3);
  t.same(managers(afterScale), [
    ['owner', 'Apply', undefined],
    ['scaler', 'Update', 'scale'],
  ]);
  const reapply = await call('PATCH', `${DEPLOYMENTS}/web?fieldManager=owner`, deployment(2), APPLY);
  t.equal(reapply.status, 409);
  t.equal(reapply.json().message, 'Apply failed with 1 conflict: conflict with "scaler" with subresource "scale" using apps/v1: .spec.replicas');
  const force = await call('PATCH', `${DEPLOYMENTS}/web?fieldManager=owner&force=true`, deployment(2), APPLY);
  t.equal(force.status, 200, force.text);
  t.equal(force.json<Obj>().spec?.replicas, 2);
  t.same(managers(force.json<Obj>()), [['owner', 'Apply', undefined]]);
});

t.test('apply through the scale subresource owns the replicas, with conflicts', async (t) => {
  const scale = (replicas: number): Record<string, unknown> => ({ apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'web', namespace: 'ssa' }, spec: { replicas } });
  const conflict = await call('PATCH', `${DEPLOYMENTS}/web/scale?fieldManager=autoscaler`, scale(6), APPLY);
  t.equal(conflict.status, 409, conflict.text);
  t.equal(conflict.json().message, 'Apply failed with 1 conflict: conflict with "owner": .spec.replicas');
  const forced = await call('PATCH', `${DEPLOYMENTS}/web/scale?fieldManager=autoscaler&force=true`, scale(6), APPLY);
  t.equal(forced.status, 200, forced.text);
  t.equal(forced.json<{ spec: { replicas: number } }>().spec.replicas, 6);
  const obj = (await call('GET', `${DEPLOYMENTS}/web`)).json<Obj>();
  t.equal(obj.spec?.replicas, 6);
  t.match(
    obj.metadata.managedFields?.find((m) => m.manager === 'autoscaler'),
    { operation: 'Apply', subresource: 'scale', fieldsV1: { 'f:spec': { 'f:replicas': {} } } },
  );
  t.notOk(JSON.stringify(obj.metadata.managedFields?.find((m) => m.manager === 'owner')?.fieldsV1).includes('f:replicas'), 'owner gave up .spec.replicas');
});

t.test('apply on the status subresource records its manager with the subresource', async (t) => {
  const applied = await call('PATCH', `${DEPLOYMENTS}/web/status?fieldManager=reporter`, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, status: { observedGeneration: 1 } }, APPLY);
  t.equal(applied.status, 200, applied.text);
  const obj = applied.json<Obj>();
  t.equal(obj.status?.observedGeneration, 1);
  const entry = obj.metadata.managedFields?.find((m) => m.manager === 'reporter');
  t.match(entry, { operation: 'Apply', subresource: 'status', fieldsV1: { 'f:status': { 'f:observedGeneration': {} } } });
  const missing = await call('PATCH', `${DEPLOYMENTS}/nothing/status?fieldManager=reporter`, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'nothing' } }, APPLY);
  t.equal(missing.status, 404, 'status apply does not create');
});

t.test('an object no one manages is taken over through before-first-apply', async (t) => {
  const created = await call('POST', `${NS}/configmaps?fieldManager=maker`, { metadata: { name: 'old' }, data: { a: '1' } });
  t.equal(created.status, 201, created.text);
  // managedFields set to an empty list are reset, as a client may: the object is unmanaged.
  const cleared = await call('PATCH', `${NS}/configmaps/old`, [{ op: 'replace', path: '/metadata/managedFields', value: [] }], { 'content-type': 'application/json-patch+json' });
  t.equal(cleared.status, 200, cleared.text);
  t.equal(cleared.json<Obj>().metadata.managedFields, undefined);
  const applied = await call('PATCH', `${NS}/configmaps/old?fieldManager=tool`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'old' }, data: { a: '2' } }, APPLY);
  t.equal(applied.status, 409);
  t.equal(applied.json().message, 'Apply failed with 1 conflict: conflict with "before-first-apply" using v1: .data.a');
  const same = await call('PATCH', `${NS}/configmaps/old?fieldManager=tool`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'old' }, data: { a: '1', b: '3' } }, APPLY);
  t.equal(same.status, 200, same.text);
  t.same(managers(same.json<Obj>()), [
    ['tool', 'Apply', undefined],
    ['before-first-apply', 'Update', undefined],
  ]);
});

t.test('custom resources are applied by their definition’s schema', async (t) => {
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'gizmos.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural: 'gizmos', kind: 'Gizmo' },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  properties: {
                    size: { type: 'integer' },
                    parts: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, count: { type: 'integer' } } } },
                  },
                },
              },
            },
          },
        },
      ],
    },
  };
  t.equal((await call('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd)).status, 201);
  const path = '/apis/example.com/v1/namespaces/ssa/gizmos';
  for (let i = 0; i < 50 && (await call('GET', path)).status !== 200; i++) await new Promise((r) => setTimeout(r, 100));
  const gizmo = (parts: { name: string; count: number }[], size?: number): Record<string, unknown> => ({ apiVersion: 'example.com/v1', kind: 'Gizmo', metadata: { name: 'g' }, spec: { ...(size !== undefined ? { size } : {}), parts } });
  const first = await call('PATCH', `${path}/g?fieldManager=a`, gizmo([{ name: 'x', count: 1 }], 3), APPLY);
  t.equal(first.status, 201, first.text);
  t.same(first.json<Obj>().metadata.managedFields?.[0]?.fieldsV1, { 'f:spec': { 'f:parts': { 'k:{"name":"x"}': { '.': {}, 'f:count': {}, 'f:name': {} } }, 'f:size': {} } });
  const second = await call('PATCH', `${path}/g?fieldManager=b`, gizmo([{ name: 'y', count: 2 }]), APPLY);
  t.equal(second.status, 200, second.text);
  t.same((second.json<Obj>().spec as unknown as { parts: unknown[] }).parts, [{ name: 'x', count: 1 }, { name: 'y', count: 2 }], 'items of a map list merge by key');
  const conflict = await call('PATCH', `${path}/g?fieldManager=b`, gizmo([{ name: 'x', count: 9 }]), APPLY);
  t.equal(conflict.status, 409);
  t.equal(conflict.json().message, 'Apply failed with 1 conflict: conflict with "a": .spec.parts[name="x"].count');
});
