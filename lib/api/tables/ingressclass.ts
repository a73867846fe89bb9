// IngressClass rows: controller and the "Kind.group/name" of its parameters.
import type { IngressClass } from 'kubernetes-types/networking/v1.js';
import type { KubeObject } from '../object.js';
import { ageColumn, column, nameColumn } from './columns.js';
import { timestampSince } from './duration.js';
import type { Printer } from './types.js';

export const ingressClassPrinter: Printer = {
  columns: [
    nameColumn,
    column('Controller', 'string', 'Controller that is responsible for handling this class'),
    column('Parameters', 'string', 'A reference to a resource with additional parameters'),
    ageColumn,
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    const ingressClass = obj as IngressClass;
    const params = ingressClass.spec?.parameters;
    const parameters = params ? `${params.kind}${params.apiGroup !== undefined ? `.${params.apiGroup}` : ''}/${params.name}` : '<none>';
    return [ingressClass.metadata?.name ?? '', ingressClass.spec?.controller ?? '', parameters, timestampSince(ingressClass.metadata?.creationTimestamp, now)];
  },
};
