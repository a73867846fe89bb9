// Rudder's answers for an oracle case, in the oracle's shape: the TypeScript reference plugins
// asked one by one exactly as tools/sched-oracle asks kube-scheduler's (every Filter plugin on
// every node, every Score plugin on the feasible nodes), and the native kernel through the
// framework's findNodes (first failing filter per node, weighted scores per plugin).
import { SchedulerCache } from '../../lib/sched/cache.js';
import { buildFrameworks, loadSchedulerConfiguration } from '../../lib/sched/config/index.js';
import { CycleState } from '../../lib/sched/framework/cycle-state.js';
import type { Framework } from '../../lib/sched/framework/framework.js';
import { PreFilterResult, type NodeScore } from '../../lib/sched/framework/interfaces.js';
import { seededRandom } from '../../lib/sched/framework/random.js';
import { codeName, type MaybeStatus } from '../../lib/sched/framework/status.js';
import { NativeAccelerator } from '../../lib/sched/kernel/index.js';
import type { NodeInfo } from '../../lib/sched/node-info.js';
import { podInfoFromPod } from '../../lib/sched/pod-info.js';
import { inTreePluginFactories } from '../../lib/sched/plugins/in-tree.js';
import type { OracleCase } from './cases.js';
import type { NodeFilters, NodeScores, OracleResult, PreFilterVerdict, Verdict } from './result.js';

function verdict(plugin: string, s: MaybeStatus): Verdict {
  if (!s || s.isSuccess()) return { plugin, code: 'Success' };
  return { plugin, code: codeName(s.code), reasons: [...s.reasons] };
}

export interface Evaluator {
  /** The TypeScript plugins, one by one. */
  reference(c: OracleCase): OracleResult;
  /** The framework with the native kernel: per node the first failing filter, per feasible node the weighted scores. */
  native(c: OracleCase): OracleResult;
  close(): void;
}

function loadCase(cache: SchedulerCache, c: OracleCase): void {
  for (const n of c.nodes) cache.addNode(n);
  for (const p of c.pods) cache.addPod(p);
}

/** Default-profile frameworks, the reference one and one with the native kernel. */
export function newEvaluator(config: Parameters<typeof loadSchedulerConfiguration>[0] = {}): Evaluator {
  const cfg = loadSchedulerConfiguration(config);
  let cache = new SchedulerCache();
  let accelerator = NativeAccelerator.create(cache);
  const deps = { binder: async (): Promise<void> => {}, random: seededRandom(7) };
  const reference = buildFrameworks(cfg, inTreePluginFactories(), deps).get('default-scheduler')! as Framework;
  let native = buildFrameworks(cfg, inTreePluginFactories(), deps, { accelerator }).get('default-scheduler')! as Framework;
  return {
    reference(c) {
      const cache = new SchedulerCache();
      loadCase(cache, c);
      return referenceRun(reference, cache, c);
    },
    native(c) {
      // A fresh cache per case, so the kernel's mirror holds only this case's nodes.
      accelerator.close();
      cache = new SchedulerCache();
      accelerator = NativeAccelerator.create(cache);
      native = buildFrameworks(cfg, inTreePluginFactories(), deps, { accelerator }).get('default-scheduler')! as Framework;
      loadCase(cache, c);
      return nativeRun(native, cache, c);
    },
    close() {
      accelerator.close();
    },
  };
}

function referenceRun(fw: Framework, cache: SchedulerCache, c: OracleCase): OracleResult {
  const res: OracleResult = { preFilter: [], rejected: false, nodes: [], preScore: [], scores: [] };
  const snapshot = cache.snapshot();
  fw.setSnapshot(snapshot);
  const podInfo = podInfoFromPod(c.pod);
  const state = new CycleState();
  const nodes = snapshot.nodes;
  for (const p of fw.preFilterPlugins) {
    const r = p.preFilter(state, podInfo, nodes);
    if (r instanceof PreFilterResult) {
      const v: PreFilterVerdict = { plugin: p.name, code: 'Success', nodeNames: [...r.nodeNames].sort() };
      res.preFilter.push(v);
      continue;
    }
    res.preFilter.push(verdict(p.name, r));
    if (r?.isSkip()) state.skipFilterPlugins.add(p.name);
    else if (r && !r.isSuccess()) res.rejected = true;
  }
  if (res.rejected) return res;
  const feasible: NodeInfo[] = [];
  for (const n of nodes) {
    const nf: NodeFilters = { node: n.name, feasible: true, filters: [] };
    for (const p of fw.filterPlugins) {
      if (state.skipFilterPlugins.has(p.name)) continue;
      const v = verdict(p.name, p.filter(state, podInfo, n));
      if (v.code !== 'Success') nf.feasible = false;
      nf.filters.push(v);
    }
    for (const v of res.preFilter) if (v.nodeNames && !v.nodeNames.includes(n.name)) nf.feasible = false;
    if (nf.feasible) feasible.push(n);
    res.nodes.push(nf);
  }
  if (feasible.length === 0) return res;
  for (const p of fw.preScorePlugins) {
    const s = p.preScore(state, podInfo, feasible);
    res.preScore.push(verdict(p.name, s));
    if (s?.isSkip()) state.skipScorePlugins.add(p.name);
  }
  const scores: NodeScores[] = feasible.map((n) => ({ node: n.name, plugins: [], total: 0 }));
  for (const { plugin, weight } of fw.scorePlugins) {
    if (state.skipScorePlugins.has(plugin.name)) continue;
    const list: NodeScore[] = feasible.map((n) => {
      const r = plugin.score(state, podInfo, n);
      return { name: n.name, score: typeof r === 'number' ? r : 0 };
    });
    const raw = list.map((s) => s.score);
    plugin.normalizeScore?.(state, podInfo, list);
    list.forEach((s, i) => {
      const weighted = s.score * weight;
      scores[i]!.plugins.push({ plugin: plugin.name, raw: raw[i]!, normalized: s.score, weight, weighted });
      scores[i]!.total += weighted;
    });
  }
  res.scores = scores;
  return res;
}

function nativeRun(fw: Framework, cache: SchedulerCache, c: OracleCase): OracleResult {
  const res: OracleResult = { preFilter: [], rejected: false, nodes: [], preScore: [], scores: [] };
  const r = fw.findNodes(podInfoFromPod(c.pod), cache.snapshot(), undefined, { wantPluginScores: true, alwaysScore: true });
  const d = r.diagnosis;
  if (d.preFilterMsg !== '') res.rejected = true;
  for (const n of c.nodes) {
    const name = n.metadata!.name!;
    const s = d.nodeToStatus.get(name);
    res.nodes.push({ node: name, feasible: !s, filters: s ? [verdict(s.plugin, s)] : [] });
  }
  res.scores = r.feasible
    .map((f) => ({
      node: f.name,
      plugins: (f.pluginScores ?? []).map((p) => ({ plugin: p.name, raw: Number.NaN, normalized: Number.NaN, weight: Number.NaN, weighted: p.score })),
      total: f.score,
    }))
    .sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
  return res;
}
