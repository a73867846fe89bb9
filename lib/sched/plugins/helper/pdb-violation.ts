// kube-scheduler's filterPodsWithPDBViolation (framework/preemption): splits preemption victims
// into those whose eviction would take a PodDisruptionBudget below zero allowed disruptions and
// the others. Each matching budget's disruptionsAllowed is spent pod by pod in the order given
// (most important first); a pod already in the budget's disruptedPods was counted by the
// apiserver and spends nothing.
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import { labelSelectorFromObject } from '../../../api/selectors/label-selector-object.js';
import type { LabelSelector } from '../../../api/selectors/label-selector.js';
import type { PodInfo } from '../../types.js';

export function filterPodsWithPDBViolation(
  podInfos: readonly PodInfo[],
  pdbs: readonly PodDisruptionBudget[],
): { violating: PodInfo[]; nonViolating: PodInfo[] } {
  const allowed = pdbs.map((pdb) => pdb.status?.disruptionsAllowed ?? 0);
  const selectors = pdbs.map(selectorOf);
  const violating: PodInfo[] = [];
  const nonViolating: PodInfo[] = [];
  for (const podInfo of podInfos) {
    let violated = false;
    // A pod without labels matches no budget.
    if (Object.keys(podInfo.labels).length > 0) {
      pdbs.forEach((pdb, i) => {
        const selector = selectors[i];
        if (pdb.metadata?.namespace !== podInfo.namespace) return;
        // An invalid, missing or empty selector matches nothing here.
        if (!selector || selector.isEmpty() || selector.matchesNothing() || !selector.matches(podInfo.labels)) return;
        if (pdb.status?.disruptedPods?.[podInfo.name] !== undefined) return;
        allowed[i]!--;
        if (allowed[i]! < 0) violated = true;
      });
    }
    (violated ? violating : nonViolating).push(podInfo);
  }
  return { violating, nonViolating };
}

function selectorOf(pdb: PodDisruptionBudget): LabelSelector | undefined {
  try {
    return labelSelectorFromObject(pdb.spec?.selector);
  } catch {
    return undefined;
  }
}
