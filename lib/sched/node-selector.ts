// Node selector terms as component-helpers' nodeaffinity matches them: terms are ORed, the
// expressions and fields inside a term ANDed, and a term with neither matches nothing.
// matchFields supports only metadata.name, as Kubernetes does.
import type { Node, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, PreferredSchedulingTerm } from 'kubernetes-types/core/v1.js';

type Labels = Readonly<Record<string, string>>;

export interface CompiledRequirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
  readonly values: ReadonlySet<string>;
  /** The integer for Gt / Lt. */
  readonly bound: number;
}

export interface CompiledTerm {
  readonly expressions: readonly CompiledRequirement[];
  readonly fields: readonly CompiledRequirement[];
  /** False when the term failed to parse: it then matches nothing. */
  readonly valid: boolean;
}

export interface WeightedTerm {
  readonly weight: number;
  readonly term: CompiledTerm;
}

const INT_RE = /^[+-]?[0-9]+$/;

function compileRequirement(r: NodeSelectorRequirement, field: boolean): CompiledRequirement | undefined {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) return undefined;
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length !== 0 || field) return undefined;
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1 || !INT_RE.test(values[0]!) || field) return undefined;
      break;
    default:
      return undefined;
  }
  if (field && (r.key !== 'metadata.name' || values.length !== 1)) return undefined;
  const bound = r.operator === 'Gt' || r.operator === 'Lt' ? Number(values[0]) : 0;
  return { key: r.key, operator: r.operator, values: new Set(values), bound };
}

export function compileNodeSelectorTerm(term: NodeSelectorTerm): CompiledTerm {
  const expressions: CompiledRequirement[] = [];
  const fields: CompiledRequirement[] = [];
  let valid = true;
  for (const r of term.matchExpressions ?? []) {
    const c = compileRequirement(r, false);
    if (c) expressions.push(c);
    else valid = false;
  }
  for (const r of term.matchFields ?? []) {
    const c = compileRequirement(r, true);
    if (c) fields.push(c);
    else valid = false;
  }
  return { expressions, fields, valid };
}

function requirementMatches(r: CompiledRequirement, value: string | undefined): boolean {
  switch (r.operator) {
    case 'In':
      return value !== undefined && r.values.has(value);
    case 'NotIn':
      return value === undefined || !r.values.has(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      if (value === undefined || !INT_RE.test(value)) return false;
      const n = Number(value);
      return r.operator === 'Gt' ? n > r.bound : n < r.bound;
    }
  }
}

export function termMatches(term: CompiledTerm, labels: Labels, nodeName: string): boolean {
  if (!term.valid || (term.expressions.length === 0 && term.fields.length === 0)) return false;
  for (const r of term.expressions) if (!requirementMatches(r, labels[r.key])) return false;
  for (const r of term.fields) if (!requirementMatches(r, nodeName)) return false;
  return true;
}

/** Required terms (ORed). An empty list of terms matches nothing, as in Kubernetes. */
export function compileNodeSelector(selector: NodeSelector): CompiledTerm[] {
  return selector.nodeSelectorTerms.map(compileNodeSelectorTerm);
}

export function nodeSelectorMatches(terms: readonly CompiledTerm[], labels: Labels, nodeName: string): boolean {
  for (const t of terms) if (termMatches(t, labels, nodeName)) return true;
  return false;
}

export function compilePreferredTerms(terms: readonly PreferredSchedulingTerm[]): WeightedTerm[] {
  return terms.filter((t) => t.weight !== 0).map((t) => ({ weight: t.weight, term: compileNodeSelectorTerm(t.preference) }));
}

/** Sum of the weights of the matching preferred terms. */
export function preferredScore(terms: readonly WeightedTerm[], labels: Labels, nodeName: string): number {
  let score = 0;
  for (const t of terms) if (termMatches(t.term, labels, nodeName)) score += t.weight;
  return score;
}

export function nodeLabels(node: Node): Labels {
  return node.metadata?.labels ?? {};
}
