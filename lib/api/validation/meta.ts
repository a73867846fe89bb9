// ObjectMeta, labels, annotations, finalizers, owner references and label selectors, as
// apimachinery validates them for every kind.
import { FieldPath, fieldErrors } from '../field-errors.js';
import { GoValue, goStringSlice } from './go-format.js';
import { Errs, type Rec, bool, int, optInt, optStr, rec, recList, str, strList, strMap } from './json.js';
import { type NameRule, byteLength, isQualifiedName, isValidLabelValue, nameIsDNSLabel } from '../names.js';
import { semanticEqual } from './equality.js';

export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;
const STANDARD_FINALIZERS = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

export function validateLabelName(errs: Errs, name: string, path: FieldPath): void {
  errs.invalid(path, name, isQualifiedName(name));
}

export function validateLabels(errs: Errs, labels: Record<string, string> | undefined, path: FieldPath): void {
  for (const [k, v] of Object.entries(labels ?? {})) {
    validateLabelName(errs, k, path);
    errs.invalid(path, v, isValidLabelValue(v));
  }
}

export function validateAnnotations(errs: Errs, annotations: Record<string, string> | undefined, path: FieldPath): void {
  let total = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    // Annotation keys follow the label-key rule with case ignored.
    errs.invalid(path, k, isQualifiedName(k.toLowerCase()));
    total += byteLength(k) + byteLength(v);
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT) errs.add(fieldErrors.tooLong(path.toString(), TOTAL_ANNOTATION_SIZE_LIMIT));
}

export function validateFinalizers(errs: Errs, finalizers: string[], path: FieldPath): void {
  for (const f of finalizers) errs.invalid(path, f, isQualifiedName(f));
  if (finalizers.includes('orphan') && finalizers.includes('foregroundDeletion')) {
    errs.invalid(path, goStringSlice(finalizers), ['finalizer orphan and foregroundDeletion cannot be both set']);
  }
}

/** Finalizers without a domain must be ones Kubernetes itself defines. */
export function validateKubeFinalizerName(errs: Errs, name: string, path: FieldPath): void {
  if (!name.includes('/') && !STANDARD_FINALIZERS.has(name)) {
    errs.invalid(path, name, ['name is neither a standard finalizer name nor is it fully qualified']);
  }
}

function validateOwnerReferences(errs: Errs, refs: Rec[], path: FieldPath): void {
  let firstController = '';
  refs.forEach((ref, i) => {
    const p = path.index(i);
    const apiVersion = str(errs, ref, 'apiVersion', p);
    const kind = str(errs, ref, 'kind', p);
    const name = str(errs, ref, 'name', p);
    const uid = str(errs, ref, 'uid', p);
    const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
    if (version === '') errs.invalid(path.child('apiVersion'), apiVersion, ['version must not be empty']);
    if (kind === '') errs.invalid(path.child('kind'), kind, ['must not be empty']);
    if (name === '') errs.invalid(path.child('name'), name, ['must not be empty']);
    if (uid === '') errs.invalid(path.child('uid'), uid, ['must not be empty']);
    if (apiVersion === 'v1' && kind === 'Event') errs.invalid(path, ref, ['/v1, Kind=Event is disallowed from being an owner']);
    if (bool(errs, ref, 'controller', p)) {
      const current = `${kind}/${name}`;
      if (firstController !== '') {
        errs.invalid(path, refs, [
          `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`,
        ]);
      } else {
        firstController = current;
      }
    }
  });
}

function validateManagedFields(errs: Errs, entries: Rec[], path: FieldPath): void {
  entries.forEach((entry, i) => {
    const p = path.index(i);
    const operation = str(errs, entry, 'operation', p);
    if (operation !== 'Apply' && operation !== 'Update') errs.invalid(p.child('operation'), operation, ['must be `Apply` or `Update`']);
    const fieldsType = str(errs, entry, 'fieldsType', p);
    if (fieldsType !== '' && fieldsType !== 'FieldsV1') errs.invalid(p.child('fieldsType'), fieldsType, ['must be `FieldsV1`']);
    const manager = str(errs, entry, 'manager', p);
    if (byteLength(manager) > 128) errs.add(fieldErrors.tooLong(p.child('manager').toString(), 128));
  });
}

export interface MetaRules {
  /** Name rule of the kind (DNS subdomain, DNS label, path segment...). */
  nameRule: NameRule;
  namespaced: boolean;
  /** Core and apps kinds also refuse unqualified finalizers Kubernetes does not define. */
  kubeFinalizers: boolean;
}

function validateMetaCommon(errs: Errs, meta: Rec | undefined, rules: MetaRules, path: FieldPath): void {
  const namespace = str(errs, meta, 'namespace', path);
  if (rules.namespaced) {
    if (namespace === '') errs.add(fieldErrors.required(path.child('namespace').toString(), ''));
    else errs.invalid(path.child('namespace'), namespace, nameIsDNSLabel(namespace, false));
  } else if (namespace !== '') {
    errs.add(fieldErrors.forbidden(path.child('namespace').toString(), 'not allowed on this type'));
  }
  const generation = int(errs, meta, 'generation', path);
  if (generation < 0) errs.invalid(path.child('generation'), generation, ['must be greater than or equal to 0']);
  validateLabels(errs, strMap(errs, meta, 'labels', path), path.child('labels'));
  validateAnnotations(errs, strMap(errs, meta, 'annotations', path), path.child('annotations'));
  validateOwnerReferences(errs, recList(errs, meta, 'ownerReferences', path), path.child('ownerReferences'));
  validateFinalizers(errs, strList(errs, meta, 'finalizers', path), path.child('finalizers'));
  validateManagedFields(errs, recList(errs, meta, 'managedFields', path), path.child('managedFields'));
}

/** ObjectMeta on create; the name has already been generated from generateName when asked. */
export function validateObjectMeta(errs: Errs, obj: Rec, rules: MetaRules, path = FieldPath.root('metadata')): void {
  const meta = rec(errs, obj, 'metadata', FieldPath.root());
  const generateName = str(errs, meta, 'generateName', path);
  if (generateName !== '') errs.invalid(path.child('generateName'), generateName, rules.nameRule(generateName, true));
  const name = str(errs, meta, 'name', path);
  if (name === '') errs.add(fieldErrors.required(path.child('name').toString(), 'name or generateName is required'));
  else errs.invalid(path.child('name'), name, rules.nameRule(name, false));
  validateMetaCommon(errs, meta, rules, path);
  if (rules.kubeFinalizers) {
    strList(errs, meta, 'finalizers', path).forEach((f, i) => validateKubeFinalizerName(errs, f, path.child('finalizers').index(i)));
  }
}

/** A timestamp as Go prints a metav1.Time ("2024-05-01 10:00:00 +0000 UTC"). */
function goTime(value: unknown): GoValue | string {
  if (typeof value !== 'string') return new GoValue('0001-01-01 00:00:00 +0000 UTC');
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  const iso = d.toISOString();
  const fraction = iso.slice(20, 23).replace(/0+$/, '');
  return new GoValue(`${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction ? `.${fraction}` : ''} +0000 UTC`);
}

export function validateImmutable(errs: Errs, next: unknown, prev: unknown, path: FieldPath, shown: unknown = next): void {
  if (!semanticEqual(next, prev)) errs.invalid(path, shown, ['field is immutable']);
}

/** ObjectMeta rules on update: identity and timestamps may not change, and the update names a version. */
export function validateObjectMetaUpdate(errs: Errs, obj: Rec, old: Rec, kubeFinalizers: boolean, path = FieldPath.root('metadata')): void {
  const meta = rec(errs, obj, 'metadata', FieldPath.root());
  // Problems of the stored object were reported when it was written; only the new one counts.
  const scratch = new Errs();
  const oldMeta = rec(scratch, old, 'metadata', FieldPath.root());
  if (oldMeta?.deletionTimestamp) {
    const oldFinalizers = new Set(strList(scratch, oldMeta, 'finalizers', path));
    const extra = [...new Set(strList(errs, meta, 'finalizers', path).filter((f) => !oldFinalizers.has(f)))].sort();
    if (extra.length > 0) {
      errs.add(
        fieldErrors.forbidden(
          path.child('finalizers').toString(),
          `no new finalizers can be added if the object is being deleted, found new finalizers ${goStringSlice(extra).toString()}`,
        ),
      );
    }
  }
  const resourceVersion = str(errs, meta, 'resourceVersion', path);
  if (resourceVersion === '') errs.invalid(path.child('resourceVersion'), resourceVersion, ['must be specified for an update']);
  const generation = int(errs, meta, 'generation', path);
  if (generation < int(scratch, oldMeta, 'generation', path)) errs.invalid(path.child('generation'), generation, ['must not be decremented']);
  for (const key of ['name', 'namespace', 'uid']) {
    validateImmutable(errs, str(errs, meta, key, path), str(scratch, oldMeta, key, path), path.child(key));
  }
  for (const key of ['creationTimestamp', 'deletionTimestamp']) {
    const next = optStr(errs, meta, key, path);
    validateImmutable(errs, next, optStr(scratch, oldMeta, key, path), path.child(key), goTime(next));
  }
  const grace = optInt(errs, meta, 'deletionGracePeriodSeconds', path);
  validateImmutable(errs, grace, optInt(scratch, oldMeta, 'deletionGracePeriodSeconds', path), path.child('deletionGracePeriodSeconds'), grace ?? null);
  validateLabels(errs, strMap(errs, meta, 'labels', path), path.child('labels'));
  validateAnnotations(errs, strMap(errs, meta, 'annotations', path), path.child('annotations'));
  validateOwnerReferences(errs, recList(errs, meta, 'ownerReferences', path), path.child('ownerReferences'));
  validateManagedFields(errs, recList(errs, meta, 'managedFields', path), path.child('managedFields'));
  if (kubeFinalizers) {
    strList(errs, meta, 'finalizers', path).forEach((f, i) => validateKubeFinalizerName(errs, f, path.child('finalizers').index(i)));
  }
}

/** Labels and annotations of an embedded pod template. */
export function validateTemplateMeta(errs: Errs, meta: Rec | undefined, path: FieldPath): void {
  validateLabels(errs, strMap(errs, meta, 'labels', path), path.child('labels'));
  validateAnnotations(errs, strMap(errs, meta, 'annotations', path), path.child('annotations'));
}

const SELECTOR_OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

export function validateLabelSelector(errs: Errs, selector: Rec | undefined, path: FieldPath): void {
  if (!selector) return;
  validateLabels(errs, strMap(errs, selector, 'matchLabels', path), path.child('matchLabels'));
  recList(errs, selector, 'matchExpressions', path).forEach((expr, i) => {
    const p = path.child('matchExpressions').index(i);
    const operator = str(errs, expr, 'operator', p);
    const values = strList(errs, expr, 'values', p);
    if (operator === 'In' || operator === 'NotIn') {
      if (values.length === 0) errs.add(fieldErrors.required(p.child('values').toString(), "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (operator === 'Exists' || operator === 'DoesNotExist') {
      if (values.length > 0) {
        errs.add(fieldErrors.forbidden(p.child('values').toString(), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      }
    } else {
      errs.invalid(p.child('operator'), operator, ['not a valid selector operator']);
    }
    validateLabelName(errs, str(errs, expr, 'key', p), p.child('key'));
    values.forEach((v, j) => errs.invalid(p.child('values').index(j), v, isValidLabelValue(v)));
  });
}

/**
 * A metav1.LabelSelector converted to a matcher, as LabelSelectorAsSelector does:
 * undefined when the selector cannot be converted; `nothing` for an absent selector;
 * `everything` for an empty one.
 */
export interface Selector {
  readonly empty: boolean;
  matches(labels: Record<string, string> | undefined): boolean;
}

export function selectorFromLabelSelector(selector: unknown): Selector | undefined {
  if (selector === undefined || selector === null) return { empty: false, matches: () => false };
  if (typeof selector !== 'object' || Array.isArray(selector)) return undefined;
  const s = selector as Rec;
  const requirements: ((labels: Record<string, string>) => boolean)[] = [];
  const matchLabels = s.matchLabels;
  if (matchLabels !== undefined && matchLabels !== null) {
    if (typeof matchLabels !== 'object' || Array.isArray(matchLabels)) return undefined;
    for (const [k, v] of Object.entries(matchLabels)) {
      if (typeof v !== 'string' || isQualifiedName(k).length > 0 || isValidLabelValue(v).length > 0) return undefined;
      requirements.push((labels) => labels[k] === v);
    }
  }
  const expressions = s.matchExpressions;
  if (expressions !== undefined && expressions !== null) {
    if (!Array.isArray(expressions)) return undefined;
    for (const e of expressions) {
      if (typeof e !== 'object' || e === null || Array.isArray(e)) return undefined;
      const { key, operator, values } = e as Rec;
      const vals = values === undefined || values === null ? [] : values;
      if (typeof key !== 'string' || typeof operator !== 'string' || !Array.isArray(vals)) return undefined;
      if (!SELECTOR_OPERATORS.has(operator) || isQualifiedName(key).length > 0) return undefined;
      if (!vals.every((v): v is string => typeof v === 'string' && isValidLabelValue(v).length === 0)) return undefined;
      const set = new Set(vals as string[]);
      if ((operator === 'In' || operator === 'NotIn') && set.size === 0) return undefined;
      if ((operator === 'Exists' || operator === 'DoesNotExist') && set.size > 0) return undefined;
      if (operator === 'In') requirements.push((l) => Object.hasOwn(l, key) && set.has(l[key]!));
      if (operator === 'NotIn') requirements.push((l) => !Object.hasOwn(l, key) || !set.has(l[key]!));
      if (operator === 'Exists') requirements.push((l) => Object.hasOwn(l, key));
      if (operator === 'DoesNotExist') requirements.push((l) => !Object.hasOwn(l, key));
    }
  }
  return { empty: requirements.length === 0, matches: (labels) => requirements.every((r) => r(labels ?? {})) };
}
