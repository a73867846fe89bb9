// node.k8s.io/v1 RuntimeClasses (pkg/apis/node/validation of Kubernetes 1.36): the handler is a
// DNS label that never changes; the pod overhead is checked as container limits are (so its
// errors name overhead.limits, as Kubernetes' do); the scheduling constraints as a pod's.
import { FieldPath } from '../field-errors.js';
import { nameIsDNSLabel, nameIsDNSSubdomain } from '../names.js';
import { Errs, type Rec, rec, recList, str, strMap } from './json.js';
import { type MetaRules, validateImmutable, validateLabels, validateObjectMeta } from './meta.js';
import { validateResourceRequirements } from './resources.js';
import { validateTolerations } from './scheduling.js';

const RUNTIME_CLASS_META: MetaRules = { nameRule: nameIsDNSSubdomain, namespaced: false, kubeFinalizers: true };

export function validateRuntimeClass(errs: Errs, obj: Rec): void {
  validateObjectMeta(errs, obj, RUNTIME_CLASS_META);
  const handler = str(errs, obj, 'handler', FieldPath.root());
  errs.invalid(FieldPath.root('handler'), handler, nameIsDNSLabel(handler, false));
  const overhead = rec(errs, obj, 'overhead', FieldPath.root());
  if (overhead) validateResourceRequirements(errs, { limits: overhead.podFixed }, new Set(), FieldPath.root('overhead'));
  const scheduling = rec(errs, obj, 'scheduling', FieldPath.root());
  if (scheduling) {
    const path = FieldPath.root('scheduling');
    validateLabels(errs, strMap(errs, scheduling, 'nodeSelector', path), path.child('nodeSelector'));
    validateTolerations(errs, recList(errs, scheduling, 'tolerations', path), path.child('tolerations'));
  }
}

export function validateRuntimeClassUpdate(errs: Errs, obj: Rec, old: Rec): void {
  validateImmutable(errs, obj.handler, old.handler, FieldPath.root('handler'));
}
