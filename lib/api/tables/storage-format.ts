// Cells the volume printers share, spelled as Kubernetes' helpers spell them: access modes as
// "RWO,ROX,RWX,RWOP" and the storage class a volume or claim names, the beta annotation first.
import type { KubeObject } from '../object.js';

const ACCESS_MODE_ABBREVIATIONS: readonly [string, string][] = [
  ['ReadWriteOnce', 'RWO'],
  ['ReadOnlyMany', 'ROX'],
  ['ReadWriteMany', 'RWX'],
  ['ReadWriteOncePod', 'RWOP'],
];

/** helper.GetAccessModesAsString. */
export function accessModesString(modes: readonly string[] | undefined): string {
  const present = new Set(modes ?? []);
  return ACCESS_MODE_ABBREVIATIONS.filter(([mode]) => present.has(mode))
    .map(([, short]) => short)
    .join(',');
}

const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

/** helper.GetPersistentVolumeClass and GetPersistentVolumeClaimClass. */
export function storageClassOf(obj: KubeObject): string {
  const annotated = obj.metadata?.annotations?.[BETA_STORAGE_CLASS_ANNOTATION];
  if (annotated !== undefined) return annotated;
  const spec = obj.spec as { storageClassName?: unknown } | undefined;
  return typeof spec?.storageClassName === 'string' ? spec.storageClassName : '';
}

/** A quantity cell: the stored (canonical) text, or what Go prints for a missing one. */
export function quantityCell(value: unknown, missing = '0'): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : missing;
}
