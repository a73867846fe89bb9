// ValidatingAdmissionPolicy rows: the number of validations and the kind of its parameters.
import type { ValidatingAdmissionPolicy } from 'kubernetes-types/admissionregistration/v1.js';
import type { KubeObject } from '../object.js';
import { ageColumn, column, nameColumn } from './columns.js';
import { timestampSince } from './duration.js';
import type { Printer } from './types.js';

export const validatingAdmissionPolicyPrinter: Printer = {
  columns: [
    nameColumn,
    column('Validations', 'integer', 'Validations indicates the number of validation rules defined in this configuration'),
    column('ParamKind', 'string', 'ParamKind specifies the kind of resources used to parameterize this policy'),
    ageColumn,
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    const policy = obj as unknown as ValidatingAdmissionPolicy;
    const paramKind = policy.spec?.paramKind;
    return [
      policy.metadata?.name ?? '',
      policy.spec?.validations?.length ?? 0,
      paramKind ? `${paramKind.apiVersion ?? ''}/${paramKind.kind ?? ''}` : '<unset>',
      timestampSince(policy.metadata?.creationTimestamp, now),
    ];
  },
};
