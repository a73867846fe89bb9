// apiextensions.k8s.io/v1 CustomResourceDefinitions: validated as Kubernetes validates them
// (lib/api/crd/validate-definition.ts), their names defaulted, created with the
// customresourcecleanup finalizer (deleting one first deletes its objects); the status
// (acceptedNames, NamesAccepted, Established, storedVersions) is the definition controller's.
import { validateDefinition, validateDefinitionUpdate } from '../../../../lib/api/crd/validate-definition.js';
import type { KubeObject } from '../../../../lib/api/object.js';
import { isPlainObject } from '../../../../lib/api/object.js';
import { validateCreate, validateUpdate } from '../../../../lib/api/validation/index.js';
import { defineStrategy, type Strategy } from '../strategy.js';
import { served } from './served.js';

export const CRD_CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

const info = served('apiextensions.k8s.io', 'v1', 'customresourcedefinitions');
const base = defineStrategy(info, {
  tracksGeneration: true,
  prepareForCreate: (obj) => {
    obj.status = { storedVersions: [] };
    const meta = obj.metadata ?? {};
    const finalizers = new Set(meta.finalizers ?? []);
    finalizers.add(CRD_CLEANUP_FINALIZER);
    meta.finalizers = [...finalizers];
    obj.metadata = meta;
  },
});

function applyDefinitionDefaults(obj: KubeObject): void {
  if (!isPlainObject(obj.spec)) return;
  const spec = obj.spec;
  if (isPlainObject(spec.names)) {
    const names = spec.names;
    if (names.singular === undefined && typeof names.kind === 'string') names.singular = names.kind.toLowerCase();
    if (names.listKind === undefined && typeof names.kind === 'string') names.listKind = `${names.kind}List`;
  }
  if (spec.conversion === undefined) spec.conversion = { strategy: 'None' };
  else if (isPlainObject(spec.conversion) && spec.conversion.strategy === undefined) spec.conversion.strategy = 'None';
}

export const customresourcedefinitionStrategy: Strategy = {
  ...base,
  applyDefaults: (obj, old) => {
    base.applyDefaults(obj, old);
    applyDefinitionDefaults(obj);
  },
  validate: (obj) => {
    const own = validateDefinition(obj as Record<string, unknown>);
    return own.length > 0 ? own : validateCreate(info, obj);
  },
  validateUpdate: (next, old) => [...validateUpdate(info, next, old), ...validateDefinitionUpdate(next as Record<string, unknown>, old as Record<string, unknown>)],
};
