// Taints and tolerations as core/v1's helpers match them (Toleration.ToleratesTaint).
import type { Taint, Toleration } from 'kubernetes-types/core/v1.js';

export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? '') {
    case '':
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

export function taintToleratedBy(taint: Taint, tolerations: readonly Toleration[]): boolean {
  for (const t of tolerations) if (toleratesTaint(t, taint)) return true;
  return false;
}

/** The first taint with an effect in `effects` that no toleration tolerates. */
export function findUntoleratedTaint(
  taints: readonly Taint[],
  tolerations: readonly Toleration[],
  include: (taint: Taint) => boolean,
): Taint | undefined {
  for (const taint of taints) if (include(taint) && !taintToleratedBy(taint, tolerations)) return taint;
  return undefined;
}
