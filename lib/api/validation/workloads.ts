// apps/v1 workloads: Deployment, ReplicaSet and DaemonSet (pkg/apis/apps/validation plus the
// apps/v1 rule that a selector never changes after creation).
import { FieldPath, fieldErrors } from '../field-errors.js';
import { goIntOrString, goLabelSelector, goStrategy, goStringMap } from './go-format.js';
import { Errs, type Rec, asRec, int, intOrString, optInt, rec, str, strMap } from './json.js';
import { type MetaRules, selectorFromLabelSelector, validateImmutable, validateLabelSelector } from './meta.js';
import { isValidPercent, nameIsDNSSubdomain } from '../names.js';
import { validatePodTemplateSpec } from './pod-spec.js';

export const WORKLOAD_META: MetaRules = { nameRule: nameIsDNSSubdomain, namespaced: true, kubeFinalizers: true };
const SPEC = FieldPath.root('spec');
const STATUS = FieldPath.root('status');

function nonNegative(errs: Errs, o: Rec | undefined, key: string, path: FieldPath): void {
  const v = optInt(errs, o, key, path);
  if (v !== undefined && v < 0) errs.invalid(path.child(key), v, ['must be greater than or equal to 0']);
}

type IntOrPercent = number | string | undefined;

function validatePositiveIntOrPercent(errs: Errs, value: IntOrPercent, path: FieldPath): void {
  if (typeof value === 'string') errs.invalid(path, goIntOrString(value), isValidPercent(value));
  else if (typeof value === 'number' && value < 0) errs.invalid(path, value, ['must be greater than or equal to 0']);
}

function percentValue(value: IntOrPercent): number | undefined {
  return typeof value === 'string' && isValidPercent(value).length === 0 ? Number(value.slice(0, -1)) : undefined;
}

/** The number in "25%" or 3; strings that are not percentages count as 0, as intstr.IntValue does. */
function intOrPercentValue(value: IntOrPercent): number {
  if (typeof value === 'number') return value;
  return percentValue(value) ?? (typeof value === 'string' && /^-?[0-9]+$/.test(value) ? Number(value) : 0);
}

function notMoreThan100Percent(errs: Errs, value: IntOrPercent, path: FieldPath): void {
  const percent = percentValue(value);
  if (percent !== undefined && percent > 100) errs.invalid(path, goIntOrString(value), ['must not be greater than 100%']);
}

/**
 * The template must carry labels the selector matches; a missing selector matches nothing,
 * so Kubernetes reports both the missing selector and the mismatch. Returns the template, or
 * undefined when (for ReplicaSets and Deployments) the selector is unusable and Kubernetes
 * stops before looking at the template.
 */
function validateSelectorAndTemplate(errs: Errs, spec: Rec, emptyWhat: string, path: FieldPath, requireSelector: boolean): Rec | undefined {
  const selector = rec(errs, spec, 'selector', path);
  const template = rec(errs, spec, 'template', path) ?? {};
  const templateLabels = strMap(new Errs(), asRec(template.metadata), 'labels', path);
  const matcher = selectorFromLabelSelector(selector);
  const checkMatch = (): void => {
    if (matcher && !matcher.empty && !matcher.matches(templateLabels)) {
      errs.invalid(path.child('template').child('metadata').child('labels'), goStringMap(templateLabels), ['`selector` does not match template `labels`']);
    }
  };
  const checkEmpty = (): void => {
    if (!selector) return;
    const labels = Object.keys(asRec(selector.matchLabels) ?? {}).length;
    const exprs = Array.isArray(selector.matchExpressions) ? selector.matchExpressions.length : 0;
    if (labels + exprs === 0) errs.invalid(path.child('selector'), goLabelSelector(selector), [`empty selector is invalid for ${emptyWhat}`]);
  };
  if (!selector && requireSelector) errs.add(fieldErrors.required(path.child('selector').toString(), ''));
  if (selector) validateLabelSelector(errs, selector, path.child('selector'));
  // DaemonSets check the match before the emptiness; the others the other way round.
  if (!requireSelector) {
    checkMatch();
    checkEmpty();
    return template;
  }
  checkEmpty();
  if (!matcher) {
    errs.invalid(path.child('selector'), goLabelSelector(selector), ['invalid label selector']);
    return undefined;
  }
  checkMatch();
  return template;
}

/** Pods of controllers restart forever and may not have a deadline. */
function validateControllerTemplate(errs: Errs, template: Rec, path: FieldPath, kindName: string): void {
  validatePodTemplateSpec(errs, template, path);
  const spec = asRec(template.spec) ?? {};
  const restartPolicy = typeof spec.restartPolicy === 'string' ? spec.restartPolicy : '';
  if (restartPolicy !== 'Always') errs.add(fieldErrors.notSupported(path.child('spec').child('restartPolicy').toString(), restartPolicy, ['Always']));
  if (spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds !== null) {
    errs.add(fieldErrors.forbidden(path.child('spec').child('activeDeadlineSeconds').toString(), `activeDeadlineSeconds in ${kindName} is not Supported`));
  }
}

function validateReplicaSetLikeSpec(errs: Errs, spec: Rec, emptyWhat: string, kindName: string): void {
  const template = validateSelectorAndTemplate(errs, spec, emptyWhat, SPEC, true);
  if (template) validateControllerTemplate(errs, template, SPEC.child('template'), kindName);
}

function validateDeploymentStrategy(errs: Errs, spec: Rec): void {
  const path = SPEC.child('strategy');
  const strategy = rec(errs, spec, 'strategy', SPEC) ?? {};
  const type = str(errs, strategy, 'type', path);
  const rollingUpdate = rec(errs, strategy, 'rollingUpdate', path);
  if (type === 'Recreate') {
    if (rollingUpdate) errs.add(fieldErrors.forbidden(path.child('rollingUpdate').toString(), "may not be specified when strategy `type` is 'Recreate'"));
  } else if (type === 'RollingUpdate') {
    const rp = path.child('rollingUpdate');
    if (!rollingUpdate) {
      errs.add(fieldErrors.required(rp.toString(), 'this should be defaulted and never be nil'));
      return;
    }
    const maxUnavailable = intOrString(errs, rollingUpdate, 'maxUnavailable', rp);
    const maxSurge = intOrString(errs, rollingUpdate, 'maxSurge', rp);
    validatePositiveIntOrPercent(errs, maxUnavailable, rp.child('maxUnavailable'));
    validatePositiveIntOrPercent(errs, maxSurge, rp.child('maxSurge'));
    if (intOrPercentValue(maxUnavailable) === 0 && intOrPercentValue(maxSurge) === 0) {
      errs.invalid(rp.child('maxUnavailable'), goIntOrString(maxUnavailable ?? 0), ['may not be 0 when `maxSurge` is 0']);
    }
    notMoreThan100Percent(errs, maxUnavailable, rp.child('maxUnavailable'));
  } else {
    errs.add(fieldErrors.notSupported(path.toString(), goStrategy('DeploymentStrategy', 'RollingUpdateDeployment', strategy), ['Recreate', 'RollingUpdate']));
  }
}

export function validateDeployment(errs: Errs, obj: Rec): void {
  const spec = rec(errs, obj, 'spec', FieldPath.root()) ?? {};
  nonNegative(errs, spec, 'replicas', SPEC);
  validateReplicaSetLikeSpec(errs, spec, 'deployment', 'ReplicaSet');
  validateDeploymentStrategy(errs, spec);
  nonNegative(errs, spec, 'minReadySeconds', SPEC);
  nonNegative(errs, spec, 'revisionHistoryLimit', SPEC);
  const deadline = optInt(errs, spec, 'progressDeadlineSeconds', SPEC);
  if (deadline !== undefined) {
    nonNegative(errs, spec, 'progressDeadlineSeconds', SPEC);
    if (deadline <= int(new Errs(), spec, 'minReadySeconds', SPEC)) errs.invalid(SPEC.child('progressDeadlineSeconds'), deadline, ['must be greater than minReadySeconds']);
  }
}

export function validateReplicaSet(errs: Errs, obj: Rec): void {
  const spec = rec(errs, obj, 'spec', FieldPath.root()) ?? {};
  nonNegative(errs, spec, 'replicas', SPEC);
  nonNegative(errs, spec, 'minReadySeconds', SPEC);
  // Kubernetes' message for ReplicaSets says "deployment" too.
  validateReplicaSetLikeSpec(errs, spec, 'deployment', 'ReplicaSet');
}

export function validateDaemonSet(errs: Errs, obj: Rec): void {
  const spec = rec(errs, obj, 'spec', FieldPath.root()) ?? {};
  const template = validateSelectorAndTemplate(errs, spec, 'daemonset', SPEC, false);
  if (template) validateControllerTemplate(errs, template, SPEC.child('template'), 'DaemonSet');
  nonNegative(errs, spec, 'minReadySeconds', SPEC);
  const strategyPath = SPEC.child('updateStrategy');
  const strategy = rec(errs, spec, 'updateStrategy', SPEC) ?? {};
  const type = str(errs, strategy, 'type', strategyPath);
  if (type === 'RollingUpdate') {
    const rp = strategyPath.child('rollingUpdate');
    const ru = rec(errs, strategy, 'rollingUpdate', strategyPath);
    if (!ru) errs.add(fieldErrors.required(rp.toString(), ''));
    else {
      const maxUnavailable = intOrString(errs, ru, 'maxUnavailable', rp);
      const maxSurge = intOrString(errs, ru, 'maxSurge', rp);
      validatePositiveIntOrPercent(errs, maxUnavailable, rp.child('maxUnavailable'));
      validatePositiveIntOrPercent(errs, maxSurge, rp.child('maxSurge'));
      notMoreThan100Percent(errs, maxUnavailable, rp.child('maxUnavailable'));
      notMoreThan100Percent(errs, maxSurge, rp.child('maxSurge'));
      const hasUnavailable = intOrPercentValue(maxUnavailable) !== 0;
      const hasSurge = intOrPercentValue(maxSurge) !== 0;
      if (hasUnavailable && hasSurge) errs.invalid(rp.child('maxSurge'), goIntOrString(maxSurge), ['may not be set when maxUnavailable is non-zero']);
      if (!hasUnavailable && !hasSurge) errs.add(fieldErrors.required(rp.child('maxUnavailable').toString(), 'cannot be 0 when maxSurge is 0'));
    }
  } else if (type !== 'OnDelete') {
    errs.add(fieldErrors.notSupported(strategyPath.toString(), goStrategy('DaemonSetUpdateStrategy', 'RollingUpdateDaemonSet', strategy), ['RollingUpdate', 'OnDelete']));
  }
  nonNegative(errs, spec, 'revisionHistoryLimit', SPEC);
}

/** apps/v1 forbids changing a workload's selector once it exists. */
export function validateSelectorUnchanged(errs: Errs, obj: Rec, old: Rec): void {
  const selector = asRec(obj.spec)?.selector;
  const oldSelector = asRec(old.spec)?.selector;
  validateImmutable(errs, selector, oldSelector, SPEC.child('selector'), goLabelSelector(selector));
}

function statusCounts(errs: Errs, status: Rec, keys: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of keys) {
    out[key] = int(errs, status, key, STATUS);
    if (out[key]! < 0) errs.invalid(STATUS.child(key), out[key], ['must be greater than or equal to 0']);
  }
  return out;
}

function notAboveReplicas(errs: Errs, counts: Record<string, number>, keys: string[]): void {
  for (const key of keys) {
    if (counts[key]! > counts.replicas!) errs.invalid(STATUS.child(key), counts[key], ['cannot be greater than status.replicas']);
  }
}

function collisionCountNotDecremented(errs: Errs, status: Rec, old: Rec): void {
  const next = optInt(errs, status, 'collisionCount', STATUS);
  const prev = optInt(new Errs(), asRec(old.status), 'collisionCount', STATUS);
  if (next !== undefined && next < 0) errs.invalid(STATUS.child('collisionCount'), next, ['must be greater than or equal to 0']);
  if (prev !== undefined && (next === undefined || next < prev)) errs.invalid(STATUS.child('collisionCount'), next ?? 0, ['cannot be decremented']);
}

export function validateDeploymentStatus(errs: Errs, obj: Rec, old: Rec): void {
  const status = rec(errs, obj, 'status', FieldPath.root()) ?? {};
  const c = statusCounts(errs, status, ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas']);
  notAboveReplicas(errs, c, ['updatedReplicas', 'readyReplicas', 'availableReplicas']);
  if (c.availableReplicas! > c.readyReplicas!) errs.invalid(STATUS.child('availableReplicas'), c.availableReplicas, ['cannot be greater than readyReplicas']);
  collisionCountNotDecremented(errs, status, old);
}

export function validateReplicaSetStatus(errs: Errs, obj: Rec): void {
  const status = rec(errs, obj, 'status', FieldPath.root()) ?? {};
  const c = statusCounts(errs, status, ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration']);
  notAboveReplicas(errs, c, ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas']);
  if (c.availableReplicas! > c.readyReplicas!) errs.invalid(STATUS.child('availableReplicas'), c.availableReplicas, ['cannot be greater than readyReplicas']);
}

export function validateDaemonSetStatus(errs: Errs, obj: Rec, old: Rec): void {
  const status = rec(errs, obj, 'status', FieldPath.root()) ?? {};
  statusCounts(errs, status, [
    'currentNumberScheduled',
    'numberMisscheduled',
    'desiredNumberScheduled',
    'numberReady',
    'observedGeneration',
    'updatedNumberScheduled',
    'numberAvailable',
    'numberUnavailable',
  ]);
  collisionCountNotDecremented(errs, status, old);
}
