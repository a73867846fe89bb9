// Score plugins whose PreScore returns Skip for this pod: the kernel scores them 0, and they
// are left out of per-plugin scores as the framework leaves out skipped plugins.
import type { AcceleratedPlugin } from '../framework/accelerator.js';
import { balancedAllocationArgs } from '../plugins/node-resources-balanced-allocation.js';
import { podRequestList } from '../plugins/helper/resource-allocation.js';
import type { PodInfo } from '../types.js';

export function skippedScores(podInfo: PodInfo, scores: readonly AcceleratedPlugin[]): ReadonlySet<string> | undefined {
  let skipped: Set<string> | undefined;
  for (const p of scores) {
    let skip = false;
    if (p.name === 'NodeAffinity') skip = podInfo.preferredNodeAffinity.length === 0;
    else if (p.name === 'NodeResourcesBalancedAllocation') {
      skip = podRequestList(podInfo, balancedAllocationArgs(p.args).resources, true).every((r) => r === 0);
    }
    if (skip) (skipped ??= new Set()).add(p.name);
  }
  return skipped;
}
