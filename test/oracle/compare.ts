// Where Rudder's answer differs from the oracle's, plugin by plugin. Plugins the oracle runs
// that Rudder lacks (volumes, dynamic resources) must stay out of the way on these cases:
// success or skip, and a weighted score of 0.
import type { NodeFilters, NodeScores, OracleResult, Verdict } from './result.js';

const same = (a: Verdict, b: Verdict): boolean => a.code === b.code && JSON.stringify(a.reasons ?? []) === JSON.stringify(b.reasons ?? []);
const show = (v: Verdict | undefined): string => (v ? `${v.plugin}:${v.code}${v.reasons?.length ? ` ${JSON.stringify(v.reasons)}` : ''}` : 'none');
const passes = (v: Verdict): boolean => v.code === 'Success' || v.code === 'Skip';

function byNode<T extends { node: string }>(list: T[]): Map<string, T> {
  return new Map(list.map((x) => [x.node, x]));
}

function excludedByPreFilter(oracle: OracleResult, node: string): boolean {
  return oracle.preFilter.some((v) => v.nodeNames !== undefined && !v.nodeNames.includes(node));
}

function compareScores(oracle: NodeScores[], mine: NodeScores[], what: string, perPlugin: boolean): string[] {
  const out: string[] = [];
  const m = byNode(mine);
  const nodesO = oracle.map((s) => s.node).sort().join(',');
  const nodesM = mine.map((s) => s.node).sort().join(',');
  if (nodesO !== nodesM) return [`${what}: scored nodes [${nodesM}], oracle [${nodesO}]`];
  for (const o of oracle) {
    const r = m.get(o.node)!;
    const rp = new Map(r.plugins.map((p) => [p.plugin, p]));
    for (const op of o.plugins) {
      const p = rp.get(op.plugin);
      if (!p) {
        if (op.weighted !== 0) out.push(`${what}: ${o.node} ${op.plugin} weighted ${op.weighted} in the oracle, not scored here`);
        continue;
      }
      if (perPlugin && (p.raw !== op.raw || p.normalized !== op.normalized || p.weight !== op.weight)) {
        out.push(`${what}: ${o.node} ${op.plugin} raw/normalized/weight ${p.raw}/${p.normalized}/${p.weight}, oracle ${op.raw}/${op.normalized}/${op.weight}`);
      } else if (p.weighted !== op.weighted) {
        out.push(`${what}: ${o.node} ${op.plugin} weighted ${p.weighted}, oracle ${op.weighted}`);
      }
    }
    const op = new Set(o.plugins.map((p) => p.plugin));
    for (const p of r.plugins) if (!op.has(p.plugin) && p.weighted !== 0) out.push(`${what}: ${o.node} ${p.plugin} weighted ${p.weighted}, the oracle does not score it`);
    if (r.total !== o.total) out.push(`${what}: ${o.node} total ${r.total}, oracle ${o.total}`);
  }
  return out;
}

/** The TypeScript reference, asked plugin by plugin, against the oracle. */
export function compareReference(oracle: OracleResult, ts: OracleResult): string[] {
  if (oracle.error) return [`oracle error: ${oracle.error}`];
  const out: string[] = [];
  const tsPre = new Map(ts.preFilter.map((v) => [v.plugin, v]));
  for (const o of oracle.preFilter) {
    const r = tsPre.get(o.plugin);
    if (!r) {
      if (!passes(o)) out.push(`preFilter: ${show(o)} in the oracle, no such plugin here`);
      continue;
    }
    if (!same(o, r)) out.push(`preFilter: ${show(r)}, oracle ${show(o)}`);
    else if (JSON.stringify(o.nodeNames) !== JSON.stringify(r.nodeNames)) out.push(`preFilter ${o.plugin}: nodes ${JSON.stringify(r.nodeNames)}, oracle ${JSON.stringify(o.nodeNames)}`);
  }
  if (oracle.rejected !== ts.rejected) out.push(`rejected at PreFilter: ${ts.rejected}, oracle ${oracle.rejected}`);
  if (out.length > 0 || oracle.rejected) return out;
  const tsNodes = byNode<NodeFilters>(ts.nodes);
  for (const o of oracle.nodes) {
    const r = tsNodes.get(o.node);
    if (!r) {
      out.push(`node ${o.node} not evaluated here`);
      continue;
    }
    const rf = new Map(r.filters.map((v) => [v.plugin, v]));
    for (const of of o.filters) {
      const v = rf.get(of.plugin);
      if (!v) {
        if (!passes(of)) out.push(`filter ${o.node}: ${show(of)} in the oracle, no such plugin here`);
      } else if (!same(of, v)) out.push(`filter ${o.node}: ${show(v)}, oracle ${show(of)}`);
    }
    if (r.feasible !== o.feasible) out.push(`node ${o.node} feasible ${r.feasible}, oracle ${o.feasible}`);
  }
  if (out.length > 0) return out;
  const tsPreScore = new Map(ts.preScore.map((v) => [v.plugin, v]));
  for (const o of oracle.preScore) {
    const r = tsPreScore.get(o.plugin);
    if (r && r.code !== o.code) out.push(`preScore: ${show(r)}, oracle ${show(o)}`);
  }
  return [...out, ...compareScores(oracle.scores, ts.scores, 'score', true)];
}

/** The framework with the native kernel against the oracle: the first failing filter per node, weighted scores. */
export function compareNative(oracle: OracleResult, native: OracleResult): string[] {
  if (oracle.error) return [`oracle error: ${oracle.error}`];
  if (oracle.rejected !== native.rejected) return [`native: rejected at PreFilter ${native.rejected}, oracle ${oracle.rejected}`];
  if (oracle.rejected) return [];
  const out: string[] = [];
  const nat = byNode<NodeFilters>(native.nodes);
  for (const o of oracle.nodes) {
    const r = nat.get(o.node);
    if (!r) {
      out.push(`native: node ${o.node} missing`);
      continue;
    }
    if (r.feasible !== o.feasible) {
      out.push(`native: node ${o.node} feasible ${r.feasible} (${show(r.filters[0])}), oracle ${o.feasible}`);
      continue;
    }
    if (o.feasible || excludedByPreFilter(oracle, o.node)) continue;
    const first = o.filters.find((v) => !passes(v));
    const v = r.filters[0];
    if (first && v && (first.plugin !== v.plugin || !same(first, v))) out.push(`native: node ${o.node} ${show(v)}, oracle ${show(first)}`);
  }
  if (out.length > 0) return out;
  return compareScores(oracle.scores, native.scores, 'native score', false);
}
