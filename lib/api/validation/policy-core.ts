// core/v1 ResourceQuotas and LimitRanges (pkg/apis/core/validation of Kubernetes 1.36): resource
// names a quota may hold, non-negative and integral amounts, scopes and scope selectors, and a
// LimitRange's min <= default request <= default <= max with its limit/request ratio.
import { FieldPath, fieldErrors } from '../field-errors.js';
import { isQualifiedName, nameIsDNSSubdomain } from '../names.js';
import { GoValue, goStringSlice } from './go-format.js';
import { Errs, type Rec, rec, recList, str, strList } from './json.js';
import { type MetaRules, validateObjectMeta } from './meta.js';
import { type Quantity, compareQuantities, formatQuantity, parseQuantity, quantityMilliValue } from './quantity.js';
import { STANDARD_RESOURCES, isOvercommitAllowed, readQuantity, validateContainerResourceName, validateResourceQuantityValue } from './resources.js';

export const POLICY_META: MetaRules = { nameRule: nameIsDNSSubdomain, namespaced: true, kubeFinalizers: true };

/** helper.IsStandardQuotaResourceName's names: the standard ones except bare "storage". */
const STANDARD_QUOTA_RESOURCES = new Set([...STANDARD_RESOURCES].filter((name) => name !== 'storage'));
const POD_SCOPED_RESOURCES = new Set(['pods', 'cpu', 'memory', 'requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory', 'ephemeral-storage', 'requests.ephemeral-storage', 'limits.ephemeral-storage']);
const SCOPES = ['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity', 'VolumeAttributesClass'];
const CONFLICTING_SCOPES = [
  ['BestEffort', 'NotBestEffort'],
  ['Terminating', 'NotTerminating'],
];
const EXISTS_ONLY_SCOPES = new Set(['BestEffort', 'NotBestEffort', 'Terminating', 'NotTerminating', 'CrossNamespacePodAffinity']);
const LIMIT_TYPES = new Set(['Pod', 'Container', 'PersistentVolumeClaim']);

export function isStandardQuotaResourceName(name: string): boolean {
  return STANDARD_QUOTA_RESOURCES.has(name) || name.startsWith('hugepages-') || name.startsWith('requests.hugepages-');
}

function validateResourceName(errs: Errs, name: string, path: FieldPath): boolean {
  const problems = isQualifiedName(name);
  errs.invalid(path, name, problems);
  if (problems.length > 0) return false;
  if (!name.includes('/') && !STANDARD_RESOURCES.has(name) && !name.startsWith('hugepages-') && !name.startsWith('requests.hugepages-')) {
    errs.invalid(path, name, ['must be a standard resource type or fully qualified']);
    return false;
  }
  return true;
}

function validateQuotaResourceName(errs: Errs, name: string, path: FieldPath): void {
  if (!validateResourceName(errs, name, path)) return;
  if (!name.includes('/') && !isStandardQuotaResourceName(name)) errs.invalid(path, name, ['must be a standard resource for quota']);
}

function validateQuotaList(errs: Errs, list: Rec | undefined, path: FieldPath): void {
  for (const [name, value] of Object.entries(list ?? {})) {
    const p = path.key(name);
    validateQuotaResourceName(errs, name, p);
    const q = readQuantity(errs, value, p);
    if (q) validateResourceQuantityValue(errs, name, q, p);
  }
}

function scopeValidFor(scope: string, resource: string): boolean {
  if (scope === 'BestEffort') return resource === 'pods';
  if (scope === 'VolumeAttributesClass') return resource === 'persistentvolumeclaims' || resource === 'requests.storage';
  return POD_SCOPED_RESOURCES.has(resource) || resource.startsWith('requests.') || resource.startsWith('limits.');
}

function validateQuotaSpec(errs: Errs, obj: Rec): void {
  const path = FieldPath.root('spec');
  const spec = rec(errs, obj, 'spec', FieldPath.root()) ?? {};
  const hard = rec(errs, spec, 'hard', path);
  validateQuotaList(errs, hard, path.child('hard'));
  const resources = Object.keys(hard ?? {}).sort();
  const scopes = strList(errs, spec, 'scopes', path);
  const shownScopes = goStringSlice(scopes, 'core.ResourceQuotaScope');
  const seen = new Set<string>();
  for (const scope of scopes) {
    if (!SCOPES.includes(scope)) errs.invalid(path.child('scopes'), shownScopes, ['unsupported scope']);
    for (const r of resources) {
      if (isStandardQuotaResourceName(r) && !scopeValidFor(scope, r)) errs.invalid(path.child('scopes'), shownScopes, ['unsupported scope applied to resource']);
    }
    seen.add(scope);
  }
  for (const pair of CONFLICTING_SCOPES) if (pair.every((s) => seen.has(s))) errs.invalid(path.child('scopes'), shownScopes, ['conflicting scopes']);
  const selector = rec(errs, spec, 'scopeSelector', path);
  if (!selector) return;
  const sp = path.child('scopeSelector').child('matchExpressions');
  const selected = new Set<string>();
  for (const req of recList(errs, selector, 'matchExpressions', path.child('scopeSelector'))) {
    const scope = str(errs, req, 'scopeName', sp);
    const operator = str(errs, req, 'operator', sp);
    const values = strList(errs, req, 'values', sp);
    if (!SCOPES.includes(scope)) errs.invalid(sp.child('scopeName'), scope, ['unsupported scope']);
    for (const r of resources) {
      if (isStandardQuotaResourceName(r) && !scopeValidFor(scope, r)) errs.invalid(sp, new GoValue('&core.ScopeSelector{...}'), ['unsupported scope applied to resource']);
    }
    if (EXISTS_ONLY_SCOPES.has(scope) && operator !== 'Exists') {
      errs.invalid(sp.child('operator'), operator, [
        'must be \'Exist\' when scope is any of ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity',
      ]);
    }
    if (operator === 'In' || operator === 'NotIn') {
      if (values.length === 0) errs.add(fieldErrors.required(sp.child('values').toString(), "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector"));
    } else if (operator === 'Exists' || operator === 'DoesNotExist') {
      if (values.length > 0) errs.invalid(sp.child('values'), goStringSlice(values), ["must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector"]);
    } else {
      errs.invalid(sp.child('operator'), operator, ['not a valid selector operator']);
    }
    selected.add(scope);
  }
  for (const pair of CONFLICTING_SCOPES) if (pair.every((s) => selected.has(s))) errs.invalid(sp, shownScopes, ['conflicting scopes']);
}

function validateQuotaStatus(errs: Errs, obj: Rec): void {
  const path = FieldPath.root('status');
  const status = rec(errs, obj, 'status', FieldPath.root());
  validateQuotaList(errs, rec(errs, status, 'hard', path), path.child('hard'));
  validateQuotaList(errs, rec(errs, status, 'used', path), path.child('used'));
}

export function validateResourceQuota(errs: Errs, obj: Rec): void {
  validateObjectMeta(errs, obj, POLICY_META);
  validateQuotaSpec(errs, obj);
  validateQuotaStatus(errs, obj);
}

export function validateResourceQuotaUpdate(errs: Errs, obj: Rec, old: Rec): void {
  validateQuotaSpec(errs, obj);
  const scratch = new Errs();
  const scopes = new Set(strList(scratch, rec(scratch, obj, 'spec', FieldPath.root()), 'scopes', FieldPath.root('spec')));
  const oldScopes = new Set(strList(scratch, rec(scratch, old, 'spec', FieldPath.root()), 'scopes', FieldPath.root('spec')));
  if (scopes.size !== oldScopes.size || [...scopes].some((s) => !oldScopes.has(s))) {
    errs.invalid(FieldPath.root('spec').child('scopes'), goStringSlice([...scopes], 'core.ResourceQuotaScope'), ['field is immutable']);
  }
}

export function validateResourceQuotaStatusUpdate(errs: Errs, obj: Rec): void {
  validateQuotaStatus(errs, obj);
}

// --- LimitRange --------------------------------------------------------------------------------

function validateLimitResourceName(errs: Errs, type: string, name: string, path: FieldPath): void {
  if (type === 'Pod' || type === 'Container') validateContainerResourceName(errs, name, path);
  else validateResourceName(errs, name, path);
}

/** Go's %f of a float64: six decimals. */
function goFloat(value: number): string {
  return Number.isFinite(value) ? value.toFixed(6) : value > 0 ? '+Inf' : 'NaN';
}

export function validateLimitRange(errs: Errs, obj: Rec): void {
  validateObjectMeta(errs, obj, POLICY_META);
  const path = FieldPath.root('spec').child('limits');
  const spec = rec(errs, obj, 'spec', FieldPath.root());
  const types = new Set<string>();
  recList(errs, spec, 'limits', FieldPath.root('spec')).forEach((limit, i) => {
    const p = path.index(i);
    const type = str(errs, limit, 'type', p);
    const typeProblems = isQualifiedName(type);
    errs.invalid(p.child('type'), type, typeProblems);
    if (typeProblems.length === 0 && !type.includes('/') && !LIMIT_TYPES.has(type)) errs.invalid(p.child('type'), type, ['must be a standard limit type or fully qualified']);
    if (types.has(type)) errs.add(fieldErrors.duplicate(p.child('type').toString(), type));
    types.add(type);
    const read = (key: string): Map<string, Quantity> => {
      const out = new Map<string, Quantity>();
      for (const [name, value] of Object.entries(rec(errs, limit, key, p) ?? {})) {
        validateLimitResourceName(errs, type, name, p.child(key).key(name));
        const q = readQuantity(errs, value, p.child(key).key(name));
        if (q) out.set(name, q);
      }
      return out;
    };
    const max = read('max');
    const min = read('min');
    let defaults = new Map<string, Quantity>();
    let defaultRequests = new Map<string, Quantity>();
    if (type === 'Pod') {
      if (Object.keys(rec(errs, limit, 'default', p) ?? {}).length > 0) errs.add(fieldErrors.forbidden(p.child('default').toString(), "may not be specified when `type` is 'Pod'"));
      if (Object.keys(rec(errs, limit, 'defaultRequest', p) ?? {}).length > 0) errs.add(fieldErrors.forbidden(p.child('defaultRequest').toString(), "may not be specified when `type` is 'Pod'"));
    } else {
      defaults = read('default');
      defaultRequests = read('defaultRequest');
    }
    if (type === 'PersistentVolumeClaim' && !min.has('storage') && !max.has('storage')) {
      errs.add(fieldErrors.required(p.child('limits').toString(), 'either minimum or maximum storage value is required, but neither was provided'));
    }
    const ratios = read('maxLimitRequestRatio');
    const keys = new Set([...max.keys(), ...min.keys(), ...defaults.keys(), ...defaultRequests.keys(), ...ratios.keys()]);
    const q = (v: Quantity): GoValue => new GoValue(formatQuantity(v));
    for (const k of keys) {
      const mn = min.get(k);
      const mx = max.get(k);
      const df = defaults.get(k);
      const dr = defaultRequests.get(k);
      const ratio = ratios.get(k);
      if (mn && mx && compareQuantities(mn, mx) > 0) errs.invalid(p.child('min').key(k), q(mn), [`min value ${formatQuantity(mn)} is greater than max value ${formatQuantity(mx)}`]);
      if (dr && mn && compareQuantities(mn, dr) > 0) errs.invalid(p.child('defaultRequest').key(k), q(dr), [`min value ${formatQuantity(mn)} is greater than default request value ${formatQuantity(dr)}`]);
      if (dr && mx && compareQuantities(dr, mx) > 0) errs.invalid(p.child('defaultRequest').key(k), q(dr), [`default request value ${formatQuantity(dr)} is greater than max value ${formatQuantity(mx)}`]);
      if (dr && df && compareQuantities(dr, df) > 0) errs.invalid(p.child('defaultRequest').key(k), q(dr), [`default request value ${formatQuantity(dr)} is greater than default limit value ${formatQuantity(df)}`]);
      if (df && mn && compareQuantities(mn, df) > 0) errs.invalid(p.child('default').key(k), q(mn), [`min value ${formatQuantity(mn)} is greater than default value ${formatQuantity(df)}`]);
      if (df && mx && compareQuantities(df, mx) > 0) errs.invalid(p.child('default').key(k), q(mx), [`default value ${formatQuantity(df)} is greater than max value ${formatQuantity(mx)}`]);
      if (ratio && compareQuantities(ratio, parseQuantity(1)) < 0) errs.invalid(p.child('maxLimitRequestRatio').key(k), q(ratio), [`ratio ${formatQuantity(ratio)} is less than 1`]);
      if (ratio && mn && mx) {
        const limit = Number(quantityMilliValue(mx)) / Number(quantityMilliValue(mn));
        if (Number(quantityMilliValue(ratio)) / 1000 > limit) {
          errs.invalid(p.child('maxLimitRequestRatio').key(k), q(ratio), [`ratio ${formatQuantity(ratio)} is greater than max/min = ${goFloat(limit)}`]);
        }
      }
      if (!isOvercommitAllowed(k) && df && dr && compareQuantities(df, dr) !== 0) {
        errs.invalid(p.child('defaultRequest').key(k), q(dr), [`default value ${formatQuantity(df)} must equal to defaultRequest value ${formatQuantity(dr)} in ${k}`]);
      }
    }
  });
}
