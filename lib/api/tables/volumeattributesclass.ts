// VolumeAttributesClass rows: the default class marked "(default)", and its driver.
import type { KubeObject } from '../object.js';
import { ageColumn, column, nameColumn } from './columns.js';
import { timestampSince } from './duration.js';
import type { Printer } from './types.js';

const DEFAULT_CLASS_ANNOTATION = 'volumeattributesclass.alpha.kubernetes.io/is-default-class';

export const volumeAttributesClassPrinter: Printer = {
  columns: [nameColumn, column('DriverName', 'string', 'The CSI driver the attributes are for.'), ageColumn],
  cells(obj: KubeObject, now: Date): unknown[] {
    const vac = obj as KubeObject & { driverName?: string };
    const isDefault = vac.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true';
    return [`${vac.metadata?.name ?? ''}${isDefault ? ' (default)' : ''}`, vac.driverName ?? '', timestampSince(vac.metadata?.creationTimestamp, now)];
  },
};
