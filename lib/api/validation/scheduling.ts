// Scheduling constraints of a pod spec: affinity, tolerations, topology spread, and the node
// taints they are matched against.
import { type FieldPath, fieldErrors } from '../field-errors.js';
import { goTaint } from './go-format.js';
import { type Errs, type Rec, int, optInt, optStr, rec, recList, scalarText, str, strList } from './json.js';
import { isValidLabelValue, nameIsDNSLabel, nameIsDNSSubdomain } from '../names.js';
import { validateLabelName, validateLabelSelector } from './meta.js';

export const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

export function validateTaintEffect(errs: Errs, effect: string, allowEmpty: boolean, path: FieldPath): void {
  if (!allowEmpty && effect === '') {
    errs.add(fieldErrors.required(path.toString(), ''));
    return;
  }
  if (!TAINT_EFFECTS.includes(effect)) errs.add(fieldErrors.notSupported(path.toString(), effect, TAINT_EFFECTS));
}

export function validateTolerations(errs: Errs, tolerations: Rec[], path: FieldPath): void {
  tolerations.forEach((t, i) => {
    const p = path.index(i);
    const key = str(errs, t, 'key', p);
    const operator = str(errs, t, 'operator', p);
    const value = str(errs, t, 'value', p);
    const effect = str(errs, t, 'effect', p);
    if (key !== '') validateLabelName(errs, key, p.child('key'));
    if (key === '' && operator !== 'Exists') {
      errs.invalid(p.child('operator'), operator, ['operator must be Exists when `key` is empty, which means "match all values and all keys"']);
    }
    if (optInt(errs, t, 'tolerationSeconds', p) !== undefined && effect !== 'NoExecute') {
      errs.invalid(p.child('effect'), effect, ["effect must be 'NoExecute' when `tolerationSeconds` is set"]);
    }
    if (operator === 'Equal' || operator === '') {
      const msgs = isValidLabelValue(value);
      if (msgs.length > 0) errs.invalid(p.child('operator'), value, [msgs.join(';')]);
    } else if (operator === 'Exists') {
      if (value !== '') errs.invalid(p.child('operator'), value, ["value must be empty when `operator` is 'Exists'"]);
    } else {
      errs.add(fieldErrors.notSupported(p.child('operator').toString(), operator, ['Equal', 'Exists']));
    }
    if (effect !== '') validateTaintEffect(errs, effect, true, p.child('effect'));
  });
}

export function validateTaints(errs: Errs, taints: Rec[], path: FieldPath): void {
  const seen = new Map<string, Set<string>>();
  taints.forEach((taint, i) => {
    const p = path.index(i);
    const key = str(errs, taint, 'key', p);
    const value = str(errs, taint, 'value', p);
    const effect = str(errs, taint, 'effect', p);
    validateLabelName(errs, key, p.child('key'));
    const msgs = isValidLabelValue(value);
    if (msgs.length > 0) errs.invalid(p.child('value'), value, [msgs.join(';')]);
    validateTaintEffect(errs, effect, false, p.child('effect'));
    const keys = seen.get(effect) ?? new Set<string>();
    if (keys.has(key)) {
      errs.add({ type: 'FieldValueDuplicate', field: p.toString(), badValue: goTaint(taint), detail: 'taints must be unique by key and effect pair' });
      return;
    }
    keys.add(key);
    seen.set(effect, keys);
  });
}

function validateNodeSelectorRequirement(errs: Errs, req: Rec, allowInvalidValues: boolean, path: FieldPath): void {
  const operator = str(errs, req, 'operator', path);
  const values = strList(errs, req, 'values', path);
  if (operator === 'In' || operator === 'NotIn') {
    if (values.length === 0) errs.add(fieldErrors.required(path.child('values').toString(), "must be specified when `operator` is 'In' or 'NotIn'"));
  } else if (operator === 'Exists' || operator === 'DoesNotExist') {
    if (values.length > 0) {
      errs.add(fieldErrors.forbidden(path.child('values').toString(), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    }
  } else if (operator === 'Gt' || operator === 'Lt') {
    if (values.length !== 1) errs.add(fieldErrors.required(path.child('values').toString(), "must be specified single value when `operator` is 'Lt' or 'Gt'"));
  } else {
    errs.invalid(path.child('operator'), operator, ['not a valid selector operator']);
  }
  validateLabelName(errs, str(errs, req, 'key', path), path.child('key'));
  if (!allowInvalidValues) values.forEach((v, i) => errs.invalid(path.child('values').index(i), v, isValidLabelValue(v)));
}

function validateNodeFieldSelectorRequirement(errs: Errs, req: Rec, path: FieldPath): void {
  const operator = str(errs, req, 'operator', path);
  const values = strList(errs, req, 'values', path);
  if (operator === 'In' || operator === 'NotIn') {
    if (values.length !== 1) {
      errs.add(fieldErrors.required(path.child('values').toString(), "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
    }
  } else {
    errs.invalid(path.child('operator'), operator, ['not a valid selector operator']);
  }
  const key = str(errs, req, 'key', path);
  if (key !== 'metadata.name') errs.invalid(path.child('key'), key, ['not a valid field selector key']);
  else values.forEach((v, i) => errs.invalid(path.child('values').index(i), v, nameIsDNSSubdomain(v, false)));
}

export function validateNodeSelectorTerm(errs: Errs, term: Rec, allowInvalidValues: boolean, path: FieldPath): void {
  recList(errs, term, 'matchExpressions', path).forEach((r, j) =>
    validateNodeSelectorRequirement(errs, r, allowInvalidValues, path.child('matchExpressions').index(j)),
  );
  recList(errs, term, 'matchFields', path).forEach((r, j) => validateNodeFieldSelectorRequirement(errs, r, path.child('matchFields').index(j)));
}

function validatePodAffinityTerm(errs: Errs, term: Rec, path: FieldPath): void {
  const labelSelector = rec(errs, term, 'labelSelector', path);
  validateLabelSelector(errs, labelSelector, path.child('labelSelector'));
  validateLabelSelector(errs, rec(errs, term, 'namespaceSelector', path), path.child('namespaceSelector'));
  for (const ns of strList(errs, term, 'namespaces', path)) errs.invalid(path.child('namespace'), ns, nameIsDNSLabel(ns, false));
  const matchKeys = strList(errs, term, 'matchLabelKeys', path);
  const mismatchKeys = strList(errs, term, 'mismatchLabelKeys', path);
  for (const [key, keys] of [
    ['matchLabelKeys', matchKeys],
    ['mismatchLabelKeys', mismatchKeys],
  ] as const) {
    if (keys.length === 0) continue;
    if (!labelSelector) errs.add(fieldErrors.forbidden(path.child(key).toString(), 'must not be specified when labelSelector is not set'));
    else keys.forEach((k, i) => validateLabelName(errs, k, path.child(key).index(i)));
  }
  const mismatch = new Set(mismatchKeys);
  matchKeys.forEach((k, i) => {
    if (mismatch.has(k)) errs.invalid(path.child('matchLabelKeys').index(i), k, ['exists in both matchLabelKeys and mismatchLabelKeys']);
  });
  const topologyKey = str(errs, term, 'topologyKey', path);
  if (topologyKey === '') errs.add(fieldErrors.required(path.child('topologyKey').toString(), 'can not be empty'));
  validateLabelName(errs, topologyKey, path.child('topologyKey'));
}

function validatePodAffinity(errs: Errs, affinity: Rec, path: FieldPath): void {
  recList(errs, affinity, 'requiredDuringSchedulingIgnoredDuringExecution', path).forEach((t, i) =>
    validatePodAffinityTerm(errs, t, path.child('requiredDuringSchedulingIgnoredDuringExecution').index(i)),
  );
  recList(errs, affinity, 'preferredDuringSchedulingIgnoredDuringExecution', path).forEach((w, i) => {
    const p = path.child('preferredDuringSchedulingIgnoredDuringExecution').index(i);
    const weight = int(errs, w, 'weight', p);
    if (weight <= 0 || weight > 100) errs.invalid(p.child('weight'), weight, ['must be in the range 1-100']);
    validatePodAffinityTerm(errs, rec(errs, w, 'podAffinityTerm', p) ?? {}, p.child('podAffinityTerm'));
  });
}

export function validateAffinity(errs: Errs, affinity: Rec | undefined, path: FieldPath): void {
  if (!affinity) return;
  const node = rec(errs, affinity, 'nodeAffinity', path);
  if (node) {
    const np = path.child('nodeAffinity');
    const required = rec(errs, node, 'requiredDuringSchedulingIgnoredDuringExecution', np);
    if (required) {
      const rp = np.child('requiredDuringSchedulingIgnoredDuringExecution').child('nodeSelectorTerms');
      const terms = recList(errs, required, 'nodeSelectorTerms', np.child('requiredDuringSchedulingIgnoredDuringExecution'));
      if (terms.length === 0) errs.add(fieldErrors.required(rp.toString(), 'must have at least one node selector term'));
      terms.forEach((t, i) => validateNodeSelectorTerm(errs, t, false, rp.index(i)));
    }
    recList(errs, node, 'preferredDuringSchedulingIgnoredDuringExecution', np).forEach((t, i) => {
      const p = np.child('preferredDuringSchedulingIgnoredDuringExecution').index(i);
      const weight = int(errs, t, 'weight', p);
      if (weight <= 0 || weight > 100) errs.invalid(p.child('weight'), weight, ['must be in the range 1-100']);
      // Preferred terms may name label values that no node has yet.
      validateNodeSelectorTerm(errs, rec(errs, t, 'preference', p) ?? {}, true, p.child('preference'));
    });
  }
  for (const key of ['podAffinity', 'podAntiAffinity']) {
    const a = rec(errs, affinity, key, path);
    if (a) validatePodAffinity(errs, a, path.child(key));
  }
}

export function validateTopologySpreadConstraints(errs: Errs, constraints: Rec[], path: FieldPath): void {
  constraints.forEach((c, i) => {
    const p = path.index(i);
    const maxSkew = int(errs, c, 'maxSkew', p);
    if (maxSkew <= 0) errs.invalid(p.child('maxSkew'), maxSkew, ['must be greater than zero']);
    const topologyKey = str(errs, c, 'topologyKey', p);
    if (topologyKey === '') errs.add(fieldErrors.required(p.child('topologyKey').toString(), 'can not be empty'));
    const when = str(errs, c, 'whenUnsatisfiable', p);
    if (when !== 'DoNotSchedule' && when !== 'ScheduleAnyway') {
      errs.add(fieldErrors.notSupported(p.child('whenUnsatisfiable').toString(), when, ['DoNotSchedule', 'ScheduleAnyway']));
    }
    for (const later of constraints.slice(i + 1)) {
      if (later.topologyKey === c.topologyKey && later.whenUnsatisfiable === c.whenUnsatisfiable) {
        errs.add(fieldErrors.duplicate(p.child('{topologyKey, whenUnsatisfiable}').toString(), `{${topologyKey}, ${when}}`));
        break;
      }
    }
    const minDomains = optInt(errs, c, 'minDomains', p);
    if (minDomains !== undefined) {
      if (minDomains <= 0) errs.invalid(p.child('minDomains'), minDomains, ['must be greater than zero']);
      if (when !== 'DoNotSchedule') errs.invalid(p.child('minDomains'), minDomains, [`can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${when}`]);
    }
    for (const key of ['nodeAffinityPolicy', 'nodeTaintsPolicy']) {
      const policy = optStr(errs, c, key, p);
      if (policy !== undefined && policy !== 'Honor' && policy !== 'Ignore') errs.add(fieldErrors.notSupported(p.child(key).toString(), policy, ['Honor', 'Ignore']));
    }
    const selector = rec(errs, c, 'labelSelector', p);
    const matchLabelKeys = strList(errs, c, 'matchLabelKeys', p);
    if (matchLabelKeys.length > 0) {
      const mp = p.child('matchLabelKeys');
      if (!selector) errs.add(fieldErrors.forbidden(mp.toString(), 'must not be specified when labelSelector is not set'));
      const selectorKeys = new Set([
        ...Object.keys(rec(errs, selector, 'matchLabels', p) ?? {}),
        ...recList(errs, selector, 'matchExpressions', p).map((e) => scalarText(e.key)),
      ]);
      matchLabelKeys.forEach((k, j) => {
        validateLabelName(errs, k, mp.index(j));
        if (selectorKeys.has(k)) errs.invalid(mp.index(j), k, ['exists in both matchLabelKeys and labelSelector']);
      });
    }
    validateLabelSelector(errs, selector, p.child('labelSelector'));
  });
}
