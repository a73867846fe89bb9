// rbac.authorization.k8s.io/v1 Roles, ClusterRoles and their bindings (pkg/apis/rbac/validation of
// Kubernetes 1.36): rule shapes (verbs always; resource rules name groups and resources,
// non-resource rules only URLs and only cluster-wide), a ClusterRole's aggregation selectors, a
// binding's roleRef (which never changes) and its subjects.
import { FieldPath, fieldErrors } from '../field-errors.js';
import { nameIsDNSSubdomain, nameIsPathSegment } from '../names.js';
import { GoValue, goStringSlice } from './go-format.js';
import { Errs, type Rec, rec, recList, str, strList } from './json.js';
import { type MetaRules, validateLabelSelector, validateObjectMeta } from './meta.js';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

const NAMESPACED_RBAC_META: MetaRules = { nameRule: nameIsPathSegment, namespaced: true, kubeFinalizers: false };
const CLUSTER_RBAC_META: MetaRules = { nameRule: nameIsPathSegment, namespaced: false, kubeFinalizers: false };

function validatePolicyRule(errs: Errs, rule: Rec, namespaced: boolean, path: FieldPath): void {
  if (strList(errs, rule, 'verbs', path).length === 0) errs.add(fieldErrors.required(path.child('verbs').toString(), 'verbs must contain at least one value'));
  const urls = strList(errs, rule, 'nonResourceURLs', path);
  const groups = strList(errs, rule, 'apiGroups', path);
  const resources = strList(errs, rule, 'resources', path);
  const names = strList(errs, rule, 'resourceNames', path);
  if (urls.length > 0) {
    if (namespaced) errs.invalid(path.child('nonResourceURLs'), goStringSlice(urls), ['namespaced rules cannot apply to non-resource URLs']);
    if (groups.length > 0 || resources.length > 0 || names.length > 0) {
      errs.invalid(path.child('nonResourceURLs'), goStringSlice(urls), ['rules cannot apply to both regular resources and non-resource URLs']);
    }
    return;
  }
  if (groups.length === 0) errs.add(fieldErrors.required(path.child('apiGroups').toString(), 'resource rules must supply at least one api group'));
  if (resources.length === 0) errs.add(fieldErrors.required(path.child('resources').toString(), 'resource rules must supply at least one resource'));
}

function validateRules(errs: Errs, obj: Rec, namespaced: boolean): void {
  recList(errs, obj, 'rules', FieldPath.root()).forEach((rule, i) => validatePolicyRule(errs, rule, namespaced, FieldPath.root('rules').index(i)));
}

export function validateRole(errs: Errs, obj: Rec): void {
  validateObjectMeta(errs, obj, NAMESPACED_RBAC_META);
  validateRules(errs, obj, true);
}

export function validateClusterRole(errs: Errs, obj: Rec): void {
  validateObjectMeta(errs, obj, CLUSTER_RBAC_META);
  validateRules(errs, obj, false);
  const aggregation = rec(errs, obj, 'aggregationRule', FieldPath.root());
  if (!aggregation) return;
  const path = FieldPath.root('aggregationRule').child('clusterRoleSelectors');
  const selectors = recList(errs, aggregation, 'clusterRoleSelectors', FieldPath.root('aggregationRule'));
  if (selectors.length === 0) errs.add(fieldErrors.required(path.toString(), 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
  selectors.forEach((selector, i) => validateLabelSelector(errs, selector, path.index(i)));
}

const SUBJECT_KINDS = ['ServiceAccount', 'User', 'Group'];

function validateSubject(errs: Errs, subject: Rec, namespaced: boolean, path: FieldPath): void {
  const name = str(errs, subject, 'name', path);
  const kind = str(errs, subject, 'kind', path);
  const apiGroup = str(errs, subject, 'apiGroup', path);
  if (name === '') errs.add(fieldErrors.required(path.child('name').toString(), ''));
  switch (kind) {
    case 'ServiceAccount':
      if (name !== '') errs.invalid(path.child('name'), name, nameIsDNSSubdomain(name, false));
      if (apiGroup !== '') errs.add(fieldErrors.notSupported(path.child('apiGroup').toString(), apiGroup, ['']));
      if (!namespaced && str(errs, subject, 'namespace', path) === '') errs.add(fieldErrors.required(path.child('namespace').toString(), ''));
      break;
    case 'User':
    case 'Group':
      if (apiGroup !== RBAC_GROUP) errs.add(fieldErrors.notSupported(path.child('apiGroup').toString(), apiGroup, [RBAC_GROUP]));
      break;
    default:
      errs.add(fieldErrors.notSupported(path.child('kind').toString(), kind, SUBJECT_KINDS));
  }
}

function validateBinding(errs: Errs, obj: Rec, namespaced: boolean): void {
  validateObjectMeta(errs, obj, namespaced ? NAMESPACED_RBAC_META : CLUSTER_RBAC_META);
  const path = FieldPath.root('roleRef');
  const roleRef = rec(errs, obj, 'roleRef', FieldPath.root());
  const apiGroup = str(errs, roleRef, 'apiGroup', path);
  if (apiGroup !== RBAC_GROUP) errs.add(fieldErrors.notSupported(path.child('apiGroup').toString(), apiGroup, [RBAC_GROUP]));
  const kind = str(errs, roleRef, 'kind', path);
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(kind)) errs.add(fieldErrors.notSupported(path.child('kind').toString(), kind, kinds));
  const name = str(errs, roleRef, 'name', path);
  if (name === '') errs.add(fieldErrors.required(path.child('name').toString(), ''));
  else errs.invalid(path.child('name'), name, nameIsPathSegment(name, false));
  recList(errs, obj, 'subjects', FieldPath.root()).forEach((subject, i) => validateSubject(errs, subject, namespaced, FieldPath.root('subjects').index(i)));
}

export function validateRoleBinding(errs: Errs, obj: Rec): void {
  validateBinding(errs, obj, true);
}

export function validateClusterRoleBinding(errs: Errs, obj: Rec): void {
  validateBinding(errs, obj, false);
}

function goRoleRef(value: unknown): GoValue {
  const r = (value && typeof value === 'object' ? value : {}) as Rec;
  const text = (key: string): string => JSON.stringify(typeof r[key] === 'string' ? r[key] : '');
  return new GoValue(`rbac.RoleRef{APIGroup:${text('apiGroup')}, Kind:${text('kind')}, Name:${text('name')}}`);
}

/** A binding's roleRef never changes: changing what a binding grants means a new binding. */
export function validateRoleRefUnchanged(errs: Errs, obj: Rec, old: Rec): void {
  const next = goRoleRef(obj.roleRef).toString();
  if (next !== goRoleRef(old.roleRef).toString()) errs.invalid(FieldPath.root('roleRef'), goRoleRef(obj.roleRef), ['cannot change roleRef']);
}
