import t from 'tap';
import { RESOURCES } from '../lib/api/resources.js';
import { PATCH_SCHEMA, fieldsWithPatchStrategy, patchStrategyOf, schemaFieldOf, schemaTypeNameOf } from '../lib/api/patch/index.js';

t.test('the tags of k8s.io/api are in the table', async (t) => {
  t.same(patchStrategyOf('io.k8s.api.core.v1.PodSpec', 'containers'), { strategy: 'merge', mergeKey: 'name' });
  t.same(patchStrategyOf('io.k8s.api.core.v1.PodSpec', 'volumes'), { strategy: 'merge,retainKeys', mergeKey: 'name' });
  t.same(patchStrategyOf('io.k8s.api.core.v1.Container', 'ports'), { strategy: 'merge', mergeKey: 'containerPort' });
  t.same(patchStrategyOf('io.k8s.api.core.v1.Container', 'volumeMounts'), { strategy: 'merge', mergeKey: 'mountPath' });
  t.same(patchStrategyOf('io.k8s.api.core.v1.ServiceSpec', 'ports'), { strategy: 'merge', mergeKey: 'port' });
  t.same(patchStrategyOf('io.k8s.api.apps.v1.DeploymentSpec', 'strategy'), { strategy: 'retainKeys' });
  t.same(patchStrategyOf('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'finalizers'), { strategy: 'merge' });
  t.same(patchStrategyOf('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'ownerReferences'), { strategy: 'merge', mergeKey: 'uid' });
  t.same(patchStrategyOf('io.k8s.api.core.v1.NodeStatus', 'conditions'), { strategy: 'merge', mergeKey: 'type' });
  t.equal(patchStrategyOf('io.k8s.api.core.v1.PodSpec', 'tolerations'), undefined, 'tolerations are atomic');
  t.equal(patchStrategyOf('io.k8s.api.core.v1.PodSpec', 'nope'), undefined);
  t.equal(patchStrategyOf('io.k8s.api.core.v1.Nope', 'containers'), undefined);
});

t.test('every served kind has a root type, and every named type is reachable from one', async (t) => {
  const reachable = new Set<string>();
  const visit = (name: string): void => {
    if (reachable.has(name) || !PATCH_SCHEMA[name]) return;
    reachable.add(name);
    for (const field of Object.values(PATCH_SCHEMA[name]!)) if (field.type) visit(field.type);
  };
  for (const info of RESOURCES) {
    const root = schemaTypeNameOf(info);
    t.ok(PATCH_SCHEMA[root], `${info.resource} -> ${root}`);
    visit(root);
  }
  t.same(Object.keys(PATCH_SCHEMA).filter((name) => !reachable.has(name)), [], 'no orphan definitions');
  t.equal(schemaTypeNameOf({ group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice' }), 'io.k8s.api.discovery.v1.EndpointSlice');
  t.equal(schemaFieldOf('io.k8s.api.apps.v1.DeploymentSpec', 'template')?.type, 'io.k8s.api.core.v1.PodTemplateSpec');
});

t.test('a merge key only comes with the merge strategy', async (t) => {
  const all = [...fieldsWithPatchStrategy()];
  t.ok(all.some((f) => f.typeName === 'io.k8s.api.core.v1.PodSpec' && f.field === 'containers'));
  for (const f of all) {
    if (f.mergeKey) t.match(f.strategy, /^merge/, `${f.typeName}.${f.field}`);
    if (f.strategy?.startsWith('merge')) t.ok(schemaFieldOf(f.typeName, f.field)?.list, `${f.typeName}.${f.field} is a list`);
  }
});
