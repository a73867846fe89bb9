// scheduling.k8s.io/v1 PriorityClasses (pkg/apis/scheduling/validation of Kubernetes 1.36): names
// starting "system-" belong to the two built-in classes, users may not go above one billion, and
// the value and preemption policy never change.
import { FieldPath, fieldErrors } from '../field-errors.js';
import { nameIsDNSSubdomain } from '../names.js';
import { Errs, type Rec, asRec, bool, int, optStr } from './json.js';
import { type MetaRules, validateImmutable, validateObjectMeta } from './meta.js';

export const PRIORITY_CLASS_META: MetaRules = { nameRule: nameIsDNSSubdomain, namespaced: false, kubeFinalizers: true };

/** The classes every cluster has (created at bootstrap). */
export const SYSTEM_PRIORITY_CLASSES = [
  { name: 'system-node-critical', value: 2000001000, description: 'Used for system critical pods that must not be moved from their current node.' },
  { name: 'system-cluster-critical', value: 2000000000, description: 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.' },
] as const;

const HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000;
const PREEMPTION_POLICIES = ['PreemptLowerPriority', 'Never'];

function systemClassProblem(name: string, value: number, globalDefault: boolean): string | undefined {
  const known = SYSTEM_PRIORITY_CLASSES.find((c) => c.name === name);
  if (!known) return `${name} is not a known system priority class`;
  if (known.value !== value) return `value of ${name} PriorityClass must be ${known.value}`;
  if (globalDefault) return `globalDefault of ${name} PriorityClass must be false`;
  return undefined;
}

export function validatePriorityClass(errs: Errs, obj: Rec): void {
  validateObjectMeta(errs, obj, PRIORITY_CLASS_META);
  const name = typeof asRec(obj.metadata)?.name === 'string' ? (asRec(obj.metadata)!.name as string) : '';
  const value = int(errs, obj, 'value', FieldPath.root());
  if (name.startsWith('system-')) {
    const problem = systemClassProblem(name, value, bool(errs, obj, 'globalDefault', FieldPath.root()));
    if (problem) errs.add(fieldErrors.forbidden('metadata.name', `priority class names with 'system-' prefix are reserved for system use only. error: ${problem}`));
  } else if (value > HIGHEST_USER_DEFINABLE_PRIORITY) {
    errs.add(fieldErrors.forbidden('value', `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`));
  }
  const policy = optStr(errs, obj, 'preemptionPolicy', FieldPath.root());
  if (policy === '') errs.add(fieldErrors.required('preemptionPolicy', ''));
  else if (policy !== undefined && !PREEMPTION_POLICIES.includes(policy)) errs.add(fieldErrors.notSupported('preemptionPolicy', policy, PREEMPTION_POLICIES));
}

export function validatePriorityClassUpdate(errs: Errs, obj: Rec, old: Rec): void {
  if (obj.value !== old.value) errs.add(fieldErrors.forbidden('value', 'may not be changed in an update.'));
  validateImmutable(errs, obj.preemptionPolicy, old.preemptionPolicy, FieldPath.root('preemptionPolicy'));
}
