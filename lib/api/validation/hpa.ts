// autoscaling HorizontalPodAutoscalers (pkg/apis/autoscaling/validation of Kubernetes 1.36), written
// against the autoscaling/v2 shape: Kubernetes validates its internal (v2-shaped) object whichever
// version a client sent, so an autoscaling/v1 object is converted first and its errors name v2
// paths (spec.metrics[0].resource.target.averageUtilization), as kubectl users see them.
import { FieldPath, fieldErrors } from '../field-errors.js';
import { isValidPathSegmentName, isDNS1123Label, nameIsDNSSubdomain } from '../names.js';
import { tryParseQuantity, isNegativeQuantity, isZeroQuantity } from './quantity.js';
import { Errs, type Rec, asRec, int, optInt, optStr, rec, recList, str } from './json.js';
import { type MetaRules, validateObjectMeta } from './meta.js';

export const HPA_META: MetaRules = { nameRule: nameIsDNSSubdomain, namespaced: true, kubeFinalizers: true };
const SPEC = FieldPath.root('spec');
const STATUS = FieldPath.root('status');
const MAX_STABILIZATION_WINDOW_SECONDS = 3600;
const MAX_PERIOD_SECONDS = 1800;
const METRIC_SOURCE_TYPES = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];
const SELECT_POLICIES = ['Disabled', 'Max', 'Min'];
const SCALING_POLICY_TYPES = ['Percent', 'Pods'];

/** schema.ParseGroupVersion's refusal, or undefined. */
function groupVersionProblem(apiVersion: string): string | undefined {
  if (apiVersion === '' || apiVersion === 'v1') return undefined;
  const parts = apiVersion.split('/');
  if (parts.length === 1) return undefined;
  if (parts.length === 2) return undefined;
  return `unexpected GroupVersion string: ${apiVersion}`;
}

function validateObjectReference(errs: Errs, ref: Rec, path: FieldPath): void {
  for (const key of ['kind', 'name']) {
    const value = str(errs, ref, key, path);
    if (value === '') errs.add(fieldErrors.required(path.child(key).toString(), ''));
    else errs.invalid(path.child(key), value, isValidPathSegmentName(value));
  }
  const apiVersion = str(errs, ref, 'apiVersion', path);
  const problem = groupVersionProblem(apiVersion);
  if (problem) errs.invalid(path.child('apiVersion'), apiVersion, [problem]);
}

/** A quantity's sign: 1, 0 or -1; undefined when absent. Unparsable quantities were refused at decoding. */
function sign(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const q = tryParseQuantity(value);
  if (typeof q === 'string') return 0;
  return isZeroQuantity(q) ? 0 : isNegativeQuantity(q) ? -1 : 1;
}

function validateMetricTarget(errs: Errs, target: Rec, path: FieldPath): void {
  const type = str(errs, target, 'type', path);
  if (type === '') errs.add(fieldErrors.required(path.child('type').toString(), 'must specify a metric target type'));
  if (type !== 'Utilization' && type !== 'Value' && type !== 'AverageValue') errs.invalid(path.child('type'), type, ['must be either Utilization, Value, or AverageValue']);
  for (const key of ['value', 'averageValue']) {
    const s = sign(target[key]);
    if (s !== undefined && s !== 1) errs.invalid(path.child(key), target[key], ['must be positive']);
  }
  const utilization = optInt(errs, target, 'averageUtilization', path);
  if (utilization !== undefined && utilization < 1) errs.invalid(path.child('averageUtilization'), utilization, ['must be greater than 0']);
}

function validateMetricIdentifier(errs: Errs, id: Rec, path: FieldPath): void {
  const name = str(errs, id, 'name', path);
  if (name === '') errs.add(fieldErrors.required(path.child('name').toString(), 'must specify a metric name'));
  else errs.invalid(path.child('name'), name, isValidPathSegmentName(name));
}

function set(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function validateSource(errs: Errs, key: string, source: Rec, path: FieldPath): void {
  const target = rec(errs, source, 'target', path) ?? {};
  const targetPath = path.child('target');
  if (key === 'object') {
    validateObjectReference(errs, rec(errs, source, 'describedObject', path) ?? {}, path.child('describedObject'));
    validateMetricIdentifier(errs, rec(errs, source, 'metric', path) ?? {}, path.child('metric'));
    validateMetricTarget(errs, target, targetPath);
    if (!set(target.value) && !set(target.averageValue)) errs.add(fieldErrors.required(targetPath.child('averageValue').toString(), 'must set either a target value or averageValue'));
  } else if (key === 'external') {
    validateMetricIdentifier(errs, rec(errs, source, 'metric', path) ?? {}, path.child('metric'));
    validateMetricTarget(errs, target, targetPath);
    if (!set(target.value) && !set(target.averageValue)) errs.add(fieldErrors.required(targetPath.child('averageValue').toString(), 'must set either a target value for metric or a per-pod target'));
    if (set(target.value) && set(target.averageValue)) errs.add(fieldErrors.forbidden(targetPath.child('value').toString(), 'may not set both a target value for metric and a per-pod target'));
  } else if (key === 'pods') {
    validateMetricIdentifier(errs, rec(errs, source, 'metric', path) ?? {}, path.child('metric'));
    validateMetricTarget(errs, target, targetPath);
    if (!set(target.averageValue)) errs.add(fieldErrors.required(targetPath.child('averageValue').toString(), 'must specify a positive target averageValue'));
  } else {
    const name = str(errs, source, 'name', path);
    if (name === '') errs.add(fieldErrors.required(path.child('name').toString(), 'must specify a resource name'));
    if (key === 'containerResource') {
      const container = str(errs, source, 'container', path);
      if (container === '') errs.add(fieldErrors.required(path.child('container').toString(), 'must specify a container'));
      else errs.invalid(path.child('container'), container, isDNS1123Label(container));
    }
    validateMetricTarget(errs, target, targetPath);
    if (!set(target.averageUtilization) && !set(target.averageValue)) {
      errs.add(fieldErrors.required(targetPath.child('averageUtilization').toString(), 'must set either a target raw value or a target utilization'));
    }
    if (set(target.averageUtilization) && set(target.averageValue)) {
      errs.add(fieldErrors.forbidden(targetPath.child('averageValue').toString(), 'may not set both a target raw value and a target utilization'));
    }
  }
}

const SOURCE_OF_TYPE: Record<string, string> = { Object: 'object', Pods: 'pods', Resource: 'resource', External: 'external', ContainerResource: 'containerResource' };

function validateMetricSpec(errs: Errs, metric: Rec, path: FieldPath): void {
  const type = str(errs, metric, 'type', path);
  if (type === '') errs.add(fieldErrors.required(path.child('type').toString(), 'must specify a metric source type'));
  if (!METRIC_SOURCE_TYPES.includes(type)) errs.add(fieldErrors.notSupported(path.child('type').toString(), type, METRIC_SOURCE_TYPES));
  const present: string[] = [];
  for (const key of ['object', 'external', 'pods', 'resource', 'containerResource']) {
    const source = rec(errs, metric, key, path);
    if (!source) continue;
    present.push(key);
    if (present.length === 1) validateSource(errs, key, source, path.child(key));
  }
  const expected = SOURCE_OF_TYPE[type];
  if (expected === undefined) {
    errs.add(fieldErrors.notSupported(path.child('type').toString(), type, METRIC_SOURCE_TYPES));
  } else if (!present.includes(expected)) {
    errs.add(fieldErrors.required(path.child(expected).toString(), 'must populate information for the given metric source'));
  }
  if (present.length !== 1) {
    for (const key of present) if (key !== expected) errs.add(fieldErrors.forbidden(path.child(key).toString(), 'must populate the given metric source only'));
  }
}

function validateScalingRules(errs: Errs, rules: Rec | undefined, path: FieldPath): void {
  if (!rules) return;
  const window = optInt(errs, rules, 'stabilizationWindowSeconds', path);
  if (window !== undefined && window < 0) errs.invalid(path.child('stabilizationWindowSeconds'), window, ['must be greater than or equal to zero']);
  if (window !== undefined && window > MAX_STABILIZATION_WINDOW_SECONDS) {
    errs.invalid(path.child('stabilizationWindowSeconds'), window, [`must be less than or equal to ${MAX_STABILIZATION_WINDOW_SECONDS}`]);
  }
  const select = optStr(errs, rules, 'selectPolicy', path);
  if (select !== undefined && !SELECT_POLICIES.includes(select)) errs.add(fieldErrors.notSupported(path.child('selectPolicy').toString(), select, SELECT_POLICIES));
  const policiesPath = path.child('policies');
  const policies = recList(errs, rules, 'policies', path);
  if (policies.length === 0) errs.add(fieldErrors.required(policiesPath.toString(), 'must specify at least one Policy'));
  policies.forEach((policy, i) => {
    const p = policiesPath.index(i);
    const type = str(errs, policy, 'type', p);
    if (!SCALING_POLICY_TYPES.includes(type)) errs.add(fieldErrors.notSupported(p.child('type').toString(), type, SCALING_POLICY_TYPES));
    const value = int(errs, policy, 'value', p);
    if (value <= 0) errs.invalid(p.child('value'), value, ['must be greater than zero']);
    const period = int(errs, policy, 'periodSeconds', p);
    if (period <= 0) errs.invalid(p.child('periodSeconds'), period, ['must be greater than zero']);
    if (period > MAX_PERIOD_SECONDS) errs.invalid(p.child('periodSeconds'), period, [`must be less than or equal to ${MAX_PERIOD_SECONDS}`]);
  });
  if (sign(rules.tolerance) === -1) errs.invalid(path.child('tolerance'), rules.tolerance, ['must be greater than or equal to 0']);
}

function validateHPASpec(errs: Errs, spec: Rec, minReplicasLowerBound: number): void {
  const minReplicas = optInt(errs, spec, 'minReplicas', SPEC);
  if (minReplicas !== undefined && minReplicas < minReplicasLowerBound) {
    errs.invalid(SPEC.child('minReplicas'), minReplicas, [`must be greater than or equal to ${minReplicasLowerBound}`]);
  }
  const maxReplicas = int(errs, spec, 'maxReplicas', SPEC);
  if (maxReplicas === 0) errs.add(fieldErrors.required(SPEC.child('maxReplicas').toString(), 'must be set and greater than 0'));
  else if (maxReplicas < 0) errs.invalid(SPEC.child('maxReplicas'), maxReplicas, ['must be greater than or equal to 1']);
  if (minReplicas !== undefined && maxReplicas < minReplicas) errs.invalid(SPEC.child('maxReplicas'), maxReplicas, ['must be greater than or equal to `minReplicas`']);
  validateObjectReference(errs, rec(errs, spec, 'scaleTargetRef', SPEC) ?? {}, SPEC.child('scaleTargetRef'));
  const metrics = recList(errs, spec, 'metrics', SPEC);
  metrics.forEach((metric, i) => validateMetricSpec(errs, metric, SPEC.child('metrics').index(i)));
  if (minReplicas === 0 && !metrics.some((m) => m.type === 'Object' || m.type === 'External')) {
    errs.add(fieldErrors.forbidden(SPEC.child('metrics').toString(), 'must specify at least one Object or External metric to support scaling to zero replicas'));
  }
  const behavior = rec(errs, spec, 'behavior', SPEC);
  if (behavior) {
    validateScalingRules(errs, rec(errs, behavior, 'scaleUp', SPEC.child('behavior')), SPEC.child('behavior').child('scaleUp'));
    validateScalingRules(errs, rec(errs, behavior, 'scaleDown', SPEC.child('behavior')), SPEC.child('behavior').child('scaleDown'));
  }
}

export function validateHorizontalPodAutoscaler(errs: Errs, obj: Rec): void {
  validateObjectMeta(errs, obj, HPA_META);
  validateHPASpec(errs, rec(errs, obj, 'spec', FieldPath.root()) ?? {}, 1);
}

export function validateHorizontalPodAutoscalerUpdate(errs: Errs, obj: Rec, old: Rec): void {
  // Scaling to zero is off (HPAScaleToZero), but an object that already scales to zero may keep doing so.
  const lowerBound = asRec(old.spec)?.minReplicas === 0 ? 0 : 1;
  validateHPASpec(errs, rec(errs, obj, 'spec', FieldPath.root()) ?? {}, lowerBound);
}

export function validateHorizontalPodAutoscalerStatus(errs: Errs, obj: Rec): void {
  const status = rec(errs, obj, 'status', FieldPath.root()) ?? {};
  for (const key of ['currentReplicas', 'desiredReplicas']) {
    const value = int(errs, status, key, STATUS);
    if (value < 0) errs.invalid(STATUS.child(key), value, ['must be greater than or equal to 0']);
  }
}
