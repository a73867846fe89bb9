// NodeResourcesBalancedAllocation: favours nodes whose resource utilisation fractions (by actual
// requests) the pod brings closer together: Kubernetes 1.36 scores the change in balance that
// placing the pod makes, not the balance after it (helper/resource-allocation.ts).
import type { FrameworkHandle, PreScorePlugin, ScorePlugin } from '../framework/interfaces.js';
import { Code, Status } from '../framework/status.js';
import { argsObject } from './helper/args.js';
import { balancedScorer, fillAllocatableRequested, parseResourceSpecs, podRequestList, type ResourceSpec } from './helper/resource-allocation.js';

export const NAME = 'NodeResourcesBalancedAllocation';
const PRE_SCORE_KEY = `PreScore${NAME}`;
const SKIP = new Status(Code.Skip, [], NAME);

export interface NodeResourcesBalancedAllocationArgs {
  resources: ResourceSpec[];
}

export function balancedAllocationArgs(raw: unknown): NodeResourcesBalancedAllocationArgs {
  const o = argsObject(NAME, raw);
  return { resources: parseResourceSpecs(NAME, 'resources', o.resources) };
}

export function newNodeResourcesBalancedAllocation(rawArgs: unknown, _handle: FrameworkHandle): PreScorePlugin & ScorePlugin {
  const { resources } = balancedAllocationArgs(rawArgs);
  const scorer = balancedScorer(resources);
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
