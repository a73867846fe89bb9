// Which built-in plugins (with which args) the native kernel runs, and the kernel profile of
// an accelerated plugin list (built-in plugins and Rust extension plugins alike).
import type { KernelBuiltInScore, KernelFilterName, KernelProfile, KernelScorePlugin } from '../../native/sched.js';
import type { AcceleratedPlugin } from '../framework/accelerator.js';

const FILTERS: ReadonlySet<string> = new Set<KernelFilterName>(['NodeUnschedulable', 'NodeName', 'TaintToleration', 'NodeAffinity', 'NodePorts', 'NodeResourcesFit']);
const SCORES: ReadonlySet<string> = new Set<KernelBuiltInScore>(['NodeResourcesFit', 'NodeResourcesBalancedAllocation', 'TaintToleration', 'NodeAffinity', 'ImageLocality']);
const STRATEGIES: ReadonlySet<string> = new Set(['LeastAllocated', 'MostAllocated', 'RequestedToCapacityRatio']);

type Args = Record<string, unknown>;

function object(value: unknown): Args {
  return typeof value === 'object' && value !== null ? (value as Args) : {};
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Whether the kernel's built-in plugin runs with these args exactly as the TypeScript plugin does. */
export function kernelSupports(name: string, args: unknown): boolean {
  if (!FILTERS.has(name) && !SCORES.has(name)) return false;
  const o = object(args);
  if (name === 'NodeAffinity') return o.addedAffinity === undefined;
  // The kernel scores 1.36's change in balance only; the earlier score runs in TypeScript.
  if (name === 'NodeResourcesBalancedAllocation') return (o.scoring ?? 'ChangeInBalance') === 'ChangeInBalance';
  if (name === 'NodeResourcesFit') {
    const type = object(o.scoringStrategy).type ?? 'LeastAllocated';
    return typeof type === 'string' && STRATEGIES.has(type);
  }
  return true;
}

function resourceSpecs(value: unknown): { name: string; weight: number }[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  return value.map((r) => {
    const o = object(r);
    const weight = typeof o.weight === 'number' && o.weight !== 0 ? o.weight : 1;
    return { name: String(o.name), weight };
  });
}

function scorePlugin(p: AcceleratedPlugin): KernelScorePlugin {
  const o = object(p.args);
  const name = p.name as KernelScorePlugin['name'];
  if (name === 'NodeResourcesFit') {
    const strategy = object(o.scoringStrategy);
    const out: KernelScorePlugin = { name, weight: p.weight, strategy: (strategy.type as KernelScorePlugin['strategy']) ?? 'LeastAllocated' };
    const resources = resourceSpecs(strategy.resources);
    if (resources) out.resources = resources;
    if (out.strategy === 'RequestedToCapacityRatio') {
      const shape = object(strategy.requestedToCapacityRatio).shape;
      out.shape = (Array.isArray(shape) ? shape : []).map((s) => ({ utilization: Number(object(s).utilization ?? 0), score: Number(object(s).score ?? 0) }));
    }
    return out;
  }
  if (name === 'NodeResourcesBalancedAllocation') {
    const resources = resourceSpecs(o.resources);
    return resources ? { name, weight: p.weight, resources } : { name, weight: p.weight };
  }
  return { name, weight: p.weight };
}

export function kernelProfile(filters: readonly AcceleratedPlugin[], scores: readonly AcceleratedPlugin[]): KernelProfile {
  const fit = object(filters.find((f) => f.name === 'NodeResourcesFit')?.args);
  // Rust extension plugins read their pluginConfig args as JSON.
  const extensionArgs: Record<string, string> = {};
  for (const p of [...filters, ...scores]) {
    if (!FILTERS.has(p.name) && !SCORES.has(p.name) && p.args !== undefined) extensionArgs[p.name] = JSON.stringify(p.args);
  }
  return {
    filters: filters.map((f) => f.name),
    extensionArgs,
    ignoredResources: strings(fit.ignoredResources),
    ignoredResourceGroups: strings(fit.ignoredResourceGroups),
    scores: scores.map((p) => (SCORES.has(p.name) ? scorePlugin(p) : { name: p.name, weight: p.weight })),
  };
}
