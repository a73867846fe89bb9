// NodeResourcesBalancedAllocation: favours nodes whose resource utilisation fractions (by actual
// requests) the pod brings closer together: Kubernetes 1.36 scores the change in balance that
// placing the pod makes, not the balance after it (helper/resource-allocation.ts).
import type { FrameworkHandle, PreScorePlugin, ScorePlugin } from '../framework/interfaces.js';
import { Code, Status } from '../framework/status.js';
import { argsObject, PluginArgsError } from './helper/args.js';
import { BALANCE_SCORINGS, balancedScorer, fillAllocatableRequested, parseResourceSpecs, podRequestList, type BalanceScoring, type ResourceSpec } from './helper/resource-allocation.js';

export const NAME = 'NodeResourcesBalancedAllocation';
const PRE_SCORE_KEY = `PreScore${NAME}`;
const SKIP = new Status(Code.Skip, [], NAME);

export interface NodeResourcesBalancedAllocationArgs {
  resources: ResourceSpec[];
  /**
   * Rudder's addition: "ChangeInBalance" (default, Kubernetes 1.36) or "BalanceAfter", the
   * (1 − std) · 100 of the node after placement that earlier releases scored.
   */
  scoring: BalanceScoring;
}

export function balancedAllocationArgs(raw: unknown): NodeResourcesBalancedAllocationArgs {
  const o = argsObject(NAME, raw);
  const scoring = o.scoring ?? 'ChangeInBalance';
  if (typeof scoring !== 'string' || !BALANCE_SCORINGS.includes(scoring as BalanceScoring)) {
    throw new PluginArgsError(`${NAME}: scoring: Unsupported value: ${JSON.stringify(scoring)}: supported values: ${BALANCE_SCORINGS.map((m) => JSON.stringify(m)).join(', ')}`);
  }
  return { resources: parseResourceSpecs(NAME, 'resources', o.resources), scoring: scoring as BalanceScoring };
}

export function newNodeResourcesBalancedAllocation(rawArgs: unknown, _handle: FrameworkHandle): PreScorePlugin & ScorePlugin {
  const { resources, scoring } = balancedAllocationArgs(rawArgs);
  const scorer = balancedScorer(resources, scoring);
  const allocatable = new Float64Array(resources.length);
  const requested = new Float64Array(resources.length);
  const allocated = new Float64Array(resources.length);
  const bestEffort = (reqs: readonly number[]): boolean => reqs.every((r) => r === 0);
  return {
    name: NAME,
    preScore(state, podInfo) {
      const reqs = podRequestList(podInfo, resources, true);
      // Best-effort pods would otherwise all pile onto the same node (kubernetes#129138).
      if (bestEffort(reqs)) return SKIP;
      state.write(PRE_SCORE_KEY, reqs);
      return null;
    },
    score(state, podInfo, nodeInfo) {
      let reqs = state.read<number[]>(PRE_SCORE_KEY);
      if (!reqs) {
        reqs = podRequestList(podInfo, resources, true);
        if (bestEffort(reqs)) return 0;
      }
      fillAllocatableRequested(nodeInfo, resources, reqs, true, allocatable, requested);
      for (let i = 0; i < resources.length; i++) allocated[i] = allocatable[i] === 0 ? 0 : requested[i]! - reqs[i]!;
      return scorer(requested, allocated, allocatable);
    },
  };
}
