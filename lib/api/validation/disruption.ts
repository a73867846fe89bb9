// policy/v1 PodDisruptionBudgets (pkg/apis/policy/validation of Kubernetes 1.36): minAvailable or
// maxUnavailable (not both) as a count or a percentage, the selector, the unhealthy-pod eviction
// policy, and the disruption controller's status.
import { FieldPath, fieldErrors } from '../field-errors.js';
import { isValidPercent } from '../names.js';
import { GoValue, goIntOrString, goLabelSelector } from './go-format.js';
import { Errs, type Rec, intOrString, optStr, rec, recList } from './json.js';
import { validateLabelSelector } from './meta.js';

const SPEC = FieldPath.root('spec');
const STATUS = FieldPath.root('status');
const UNHEALTHY_POD_EVICTION_POLICIES = ['AlwaysAllow', 'IfHealthyBudget'];

function validateIntOrPercent(errs: Errs, value: number | string, path: FieldPath): void {
  if (typeof value === 'string') {
    errs.invalid(path, goIntOrString(value), isValidPercent(value));
    if (isValidPercent(value).length === 0 && Number(value.slice(0, -1)) > 100) errs.invalid(path, goIntOrString(value), ['must not be greater than 100%']);
  } else if (value < 0) errs.invalid(path, value, ['must be greater than or equal to 0']);
}

export function validatePodDisruptionBudget(errs: Errs, obj: Rec): void {
  const spec = rec(errs, obj, 'spec', FieldPath.root()) ?? {};
  const minAvailable = intOrString(errs, spec, 'minAvailable', SPEC);
  const maxUnavailable = intOrString(errs, spec, 'maxUnavailable', SPEC);
  if (minAvailable !== undefined && maxUnavailable !== undefined) {
    const selector = spec.selector === undefined || spec.selector === null ? '(*v1.LabelSelector)(nil)' : `&${goLabelSelector(spec.selector).toString()}`;
    const policy = typeof spec.unhealthyPodEvictionPolicy === 'string' ? `&${JSON.stringify(spec.unhealthyPodEvictionPolicy)}` : '(*policy.UnhealthyPodEvictionPolicyType)(nil)';
    errs.invalid(
      SPEC,
      new GoValue(
        `policy.PodDisruptionBudgetSpec{MinAvailable:&${goIntOrString(minAvailable).toString()}, Selector:${selector}, MaxUnavailable:&${goIntOrString(maxUnavailable).toString()}, UnhealthyPodEvictionPolicy:${policy}}`,
      ),
      ['minAvailable and maxUnavailable cannot be both set'],
    );
  }
  if (minAvailable !== undefined) validateIntOrPercent(errs, minAvailable, SPEC.child('minAvailable'));
  if (maxUnavailable !== undefined) validateIntOrPercent(errs, maxUnavailable, SPEC.child('maxUnavailable'));
  validateLabelSelector(errs, rec(errs, spec, 'selector', SPEC), SPEC.child('selector'));
  const policy = optStr(errs, spec, 'unhealthyPodEvictionPolicy', SPEC);
  if (policy !== undefined && !UNHEALTHY_POD_EVICTION_POLICIES.includes(policy)) {
    errs.add(fieldErrors.notSupported(SPEC.child('unhealthyPodEvictionPolicy').toString(), policy, UNHEALTHY_POD_EVICTION_POLICIES));
  }
}

const CONDITION_STATUSES = ['True', 'False', 'Unknown'];

export function validatePodDisruptionBudgetStatus(errs: Errs, obj: Rec): void {
  const status = rec(errs, obj, 'status', FieldPath.root()) ?? {};
  recList(errs, status, 'conditions', STATUS).forEach((condition, i) => {
    const p = STATUS.child('conditions').index(i);
    if (typeof condition.type !== 'string' || condition.type === '') errs.add(fieldErrors.required(p.child('type').toString(), ''));
    if (!CONDITION_STATUSES.includes(String(condition.status))) errs.add(fieldErrors.notSupported(p.child('status').toString(), String(condition.status ?? ''), CONDITION_STATUSES));
    if (condition.lastTransitionTime === undefined || condition.lastTransitionTime === null) errs.add(fieldErrors.required(p.child('lastTransitionTime').toString(), 'must be set'));
    if (typeof condition.reason !== 'string' || condition.reason === '') errs.add(fieldErrors.required(p.child('reason').toString(), 'must be set'));
  });
  for (const key of ['disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods']) {
    const value = status[key];
    if (typeof value === 'number' && value < 0) errs.invalid(STATUS.child(key), value, ['must be greater than or equal to 0']);
  }
}
