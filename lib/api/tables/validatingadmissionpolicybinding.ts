// ValidatingAdmissionPolicyBinding rows: the policy bound and where its parameters come from
// ("namespace/name", "*/name" when the namespace is the request's, or the selector).
import type { ValidatingAdmissionPolicyBinding } from 'kubernetes-types/admissionregistration/v1.js';
import type { KubeObject } from '../object.js';
import { ageColumn, column, nameColumn } from './columns.js';
import { timestampSince } from './duration.js';
import { formatLabelSelector } from './format.js';
import type { Printer } from './types.js';

function paramRefText(binding: ValidatingAdmissionPolicyBinding): string {
  const ref = binding.spec?.paramRef;
  if (!ref) return '<unset>';
  if (ref.name) return ref.namespace ? `${ref.namespace}/${ref.name}` : `*/${ref.name}`;
  if (ref.selector) return formatLabelSelector(ref.selector);
  return '<unset>';
}

export const validatingAdmissionPolicyBindingPrinter: Printer = {
  columns: [
    nameColumn,
    column('PolicyName', 'string', 'PolicyName indicates the policy definition which the policy binding binded to'),
    column('ParamRef', 'string', 'ParamRef indicates the param resource which sets the configration param'),
    ageColumn,
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    const binding = obj as unknown as ValidatingAdmissionPolicyBinding;
    return [binding.metadata?.name ?? '', binding.spec?.policyName ?? '', paramRefText(binding), timestampSince(binding.metadata?.creationTimestamp, now)];
  },
};
