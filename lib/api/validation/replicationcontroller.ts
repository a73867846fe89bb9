// core/v1 ReplicationControllers and PodTemplates (pkg/apis/core/validation of Kubernetes 1.36): a
// non-empty equality selector that the template's labels match, pods that restart forever, and the
// replication manager's status.
import { FieldPath, fieldErrors } from '../field-errors.js';
import { nameIsDNSSubdomain } from '../names.js';
import { goStringMap } from './go-format.js';
import { Errs, type Rec, asRec, int, optInt, rec, strMap } from './json.js';
import { type MetaRules, validateObjectMeta } from './meta.js';
import { validatePodTemplateSpec } from './pod-spec.js';

export const RC_META: MetaRules = { nameRule: nameIsDNSSubdomain, namespaced: true, kubeFinalizers: true };
const SPEC = FieldPath.root('spec');
const STATUS = FieldPath.root('status');

function nonNegative(errs: Errs, value: number | undefined, path: FieldPath): void {
  if (value !== undefined && value < 0) errs.invalid(path, value, ['must be greater than or equal to 0']);
}

export function validateReplicationControllerSpec(errs: Errs, obj: Rec): void {
  const spec = rec(errs, obj, 'spec', FieldPath.root()) ?? {};
  nonNegative(errs, int(errs, spec, 'minReadySeconds', SPEC), SPEC.child('minReadySeconds'));
  const selector = strMap(errs, spec, 'selector', SPEC) ?? {};
  if (Object.keys(selector).length === 0) errs.add(fieldErrors.required(SPEC.child('selector').toString(), ''));
  const replicas = optInt(errs, spec, 'replicas', SPEC);
  if (replicas === undefined) errs.add(fieldErrors.required(SPEC.child('replicas').toString(), ''));
  else nonNegative(errs, replicas, SPEC.child('replicas'));
  const templatePath = SPEC.child('template');
  const template = rec(errs, spec, 'template', SPEC);
  if (!template) {
    errs.add(fieldErrors.required(templatePath.toString(), ''));
    return;
  }
  const labels = strMap(new Errs(), asRec(template.metadata), 'labels', templatePath) ?? {};
  const matches = Object.entries(selector).every(([key, value]) => labels[key] === value);
  if (Object.keys(selector).length > 0 && !matches) {
    errs.invalid(templatePath.child('metadata').child('labels'), goStringMap(labels), ['`selector` does not match template `labels`']);
  }
  validatePodTemplateSpec(errs, template, templatePath);
  const podSpec = asRec(template.spec) ?? {};
  const restartPolicy = typeof podSpec.restartPolicy === 'string' ? podSpec.restartPolicy : '';
  if (restartPolicy !== 'Always') errs.add(fieldErrors.notSupported(templatePath.child('spec').child('restartPolicy').toString(), restartPolicy, ['Always']));
  if (podSpec.activeDeadlineSeconds !== undefined && podSpec.activeDeadlineSeconds !== null) {
    errs.add(fieldErrors.forbidden(templatePath.child('spec').child('activeDeadlineSeconds').toString(), 'activeDeadlineSeconds in ReplicationController is not Supported'));
  }
}

export function validateReplicationController(errs: Errs, obj: Rec): void {
  validateObjectMeta(errs, obj, RC_META);
  validateReplicationControllerSpec(errs, obj);
}

export function validateReplicationControllerStatus(errs: Errs, obj: Rec): void {
  const status = rec(errs, obj, 'status', FieldPath.root()) ?? {};
  const counts: Record<string, number> = {};
  for (const key of ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration']) {
    counts[key] = int(errs, status, key, STATUS);
    nonNegative(errs, counts[key], STATUS.child(key));
  }
  for (const key of ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas']) {
    if (counts[key]! > counts.replicas!) errs.invalid(STATUS.child(key), counts[key], ['cannot be greater than status.replicas']);
  }
  if (counts.availableReplicas! > counts.readyReplicas!) errs.invalid(STATUS.child('availableReplicas'), counts.availableReplicas, ['cannot be greater than readyReplicas']);
}

export function validatePodTemplateObject(errs: Errs, obj: Rec): void {
  validatePodTemplateSpec(errs, rec(errs, obj, 'template', FieldPath.root()) ?? {}, FieldPath.root('template'));
}
